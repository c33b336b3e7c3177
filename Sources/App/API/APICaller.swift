/// Whom an `/api/…` request acts for, as `APIAuth` proved it: a token's account, or the
/// browser's own session (an account, or a guest and its timer).
struct APICaller {
    let owner: PersonalTimerOwner
    /// The zone a timer not made yet would have (the account's, or UTC for a guest).
    let zone: String
    /// What reset events record as the device: the browser's `pp_dev` cookie, or the token.
    let device: String
    /// The browser's device cookie (nil for a token): a write sets it when it is new.
    let deviceCookie: DeviceCookie?
}
