/// The `otpauth://` address an authenticator app reads from the enrolment QR code (Google
/// Authenticator's "Key Uri Format", which every common app follows).
public enum OTPAuthURI {
    public static func make(issuer: String, account: String, secretBase32: String) -> String {
        let label = escape(issuer) + ":" + escape(account)
        return "otpauth://totp/\(label)?secret=\(secretBase32)&issuer=\(escape(issuer))"
            + "&algorithm=SHA1&digits=\(TOTP.digits)&period=\(TOTP.period)"
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}
