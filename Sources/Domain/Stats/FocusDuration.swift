/// How long someone focused, as the stats pages say it: "0 min", "45 min", "2 h 05 min".
public enum FocusDuration {
    public static func text(seconds: Int) -> String {
        let minutes = max(0, seconds) / 60
        guard minutes >= 60 else { return "\(minutes) min" }
        let rest = minutes % 60
        return "\(minutes / 60) h " + (rest < 10 ? "0" : "") + "\(rest) min"
    }
}
