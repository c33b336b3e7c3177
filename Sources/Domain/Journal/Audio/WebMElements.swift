/// A WebM file: EBML elements (an id, a size, the data). At the top, the EBML header and one
/// Segment; inside the Segment, its level-1 elements. Recorders stream, so the Segment and each
/// Cluster may have an "unknown" size: then a Cluster's children are walked until the next
/// level-1 element. Every byte must fall in an element the walk knows at its level.
enum WebMElements {
    static let header: UInt32 = 0x1A45_DFA3
    static let docTypeID: UInt32 = 0x4282
    static let segment: UInt32 = 0x1853_8067
    static let cluster: UInt32 = 0x1F43_B675
    static let void: UInt32 = 0xEC
    /// SeekHead, Info, Tracks, Cluster, Cues, Chapters, Tags, Attachments, Void, CRC-32.
    static let levelOne: Set<UInt32> = [
        0x114D_9B74, 0x1549_A966, 0x1654_AE6B, 0x1F43_B675, 0x1C53_BB6B, 0x1043_A770, 0x1254_C367, 0x1941_A469, 0xEC, 0xBF,
    ]
    /// Timestamp, SimpleBlock, BlockGroup, Position, PrevSize, SilentTracks, EncryptedBlock, Void, CRC-32.
    static let clusterChildren: Set<UInt32> = [0xE7, 0xA3, 0xA0, 0xA7, 0xAB, 0x5854, 0xAF, 0xEC, 0xBF]

    enum Read {
        case element(id: UInt32, size: Int?, headerLength: Int)
        /// The file ends inside the header.
        case cut
        /// Not an element header.
        case invalid
    }

    /// The element header at `p`: the id keeps its length marker (as Matroska writes ids); a size
    /// whose bits are all ones is unknown (nil).
    static func read(_ b: [UInt8], at p: Int) -> Read {
        guard p < b.count else { return .cut }
        let first = b[p]
        guard first != 0, first.leadingZeroBitCount < 4 else { return .invalid }
        let idLength = first.leadingZeroBitCount + 1
        guard b.count - p > idLength else { return .cut }
        var id: UInt32 = 0
        for i in 0..<idLength { id = id << 8 | UInt32(b[p + i]) }
        let s = p + idLength
        let sizeFirst = b[s]
        guard sizeFirst != 0 else { return .invalid }
        let sizeLength = sizeFirst.leadingZeroBitCount + 1
        guard b.count - s >= sizeLength else { return .cut }
        var value = UInt64(sizeFirst & (0xFF >> sizeLength))
        var allOnes = value == UInt64(0xFF >> sizeLength)
        for i in 1..<sizeLength {
            value = value << 8 | UInt64(b[s + i])
            allOnes = allOnes && b[s + i] == 0xFF
        }
        let size: Int? = allOnes ? nil : (value > UInt64(Int32.max) ? Int(Int32.max) : Int(value))
        return .element(id: id, size: size, headerLength: idLength + sizeLength)
    }

    /// The EBML header's DocType ("webm", "matroska"), or nil.
    static func docType(_ b: [UInt8]) -> String? {
        guard case .element(header, let size?, let length) = read(b, at: 0), length + size <= b.count else { return nil }
        var p = length
        while p < length + size {
            guard case .element(let id, let childSize?, let childLength) = read(b, at: p), p + childLength + childSize <= length + size
            else { return nil }
            if id == docTypeID {
                let text = b[p + childLength..<p + childLength + childSize].prefix { $0 != 0 }
                return String(decoding: text, as: UTF8.self)
            }
            p += childLength + childSize
        }
        return nil
    }

    static func defect(_ b: [UInt8]) -> AudioDefect? {
        guard case .element(header, let size?, let length) = read(b, at: 0) else { return .malformed }
        var p = length + size
        guard p <= b.count else { return .truncated }
        var segments = 0
        while p < b.count {
            switch read(b, at: p) {
            case .cut: return .truncated
            case .invalid: return .foreign
            case .element(let id, let size, let length):
                let start = p + length
                let end = size.map { start + $0 } ?? b.count
                guard end <= b.count else { return .truncated }
                if id == segment {
                    if let problem = segmentDefect(b, from: start, to: end) { return problem }
                    segments += 1
                } else if id != void || size == nil {
                    return .foreign
                }
                p = end
            }
        }
        return segments == 1 ? nil : (segments == 0 ? .truncated : .foreign)
    }

    private static func segmentDefect(_ b: [UInt8], from start: Int, to end: Int) -> AudioDefect? {
        var p = start
        while p < end {
            guard case .element(let id, let size, let length) = read(b, at: p) else {
                return read(b, at: p).isCut ? .truncated : .foreign
            }
            guard levelOne.contains(id) else { return .foreign }
            if let size {
                guard p + length + size <= end else { return .truncated }
                p += length + size
                continue
            }
            guard id == cluster else { return .malformed }
            p += length
            children: while p < end {
                guard case .element(let child, let childSize, let childLength) = read(b, at: p) else {
                    return read(b, at: p).isCut ? .truncated : .foreign
                }
                if levelOne.contains(child) && !clusterChildren.contains(child) { break children }
                guard clusterChildren.contains(child), let childSize else { return .foreign }
                guard p + childLength + childSize <= end else { return .truncated }
                p += childLength + childSize
            }
        }
        return nil
    }
}

extension WebMElements.Read {
    var isCut: Bool {
        if case .cut = self { return true }
        return false
    }
}
