/// Where the host or a DJ moves a track up next: one place earlier or later (the current track
/// stays where it is).
public enum QueueMove: String, Sendable {
    case up, down

    public init(form: String) throws(SoundtrackRefusal) {
        guard let move = QueueMove(rawValue: form) else { throw .invalid("Move a track up or down.") }
        self = move
    }
}
