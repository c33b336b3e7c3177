/// A track's length as pages show it: "3:07", "1:02:03" past an hour, "–" when unknown (0).
public enum TrackDuration {
    public static func text(_ seconds: Int) -> String {
        guard seconds > 0 else { return "–" }
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }
}
