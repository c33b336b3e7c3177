import Domain
import Sodium
import Web

/// The keys behind admins' second factor, each derived from POMOPOMO_TOTP_KEY for one use. The
/// secrets are sealed with XChaCha20-Poly1305, the AEAD libsodium (already linked for passwords
/// and sessions) offers with random nonces; recovery codes are hashed with keyed BLAKE2b.
struct TwoFactorKeys: Sendable {
    private let sealing: [UInt8]
    private let recovery: [UInt8]

    init(master: [UInt8]) {
        sealing = KeyedHash.subkey(of: master, id: 1, context: "pp2fa-v1")
        recovery = KeyedHash.subkey(of: master, id: 2, context: "pp2fa-v1")
    }

    /// An enrolled secret as stored, bound to its account.
    func seal(secret: [UInt8], userID: String) -> [UInt8] {
        AEAD.seal(secret, additional: Array("stored \(userID)".utf8), key: sealing)
    }

    /// nil when the row was altered, moved to another account or sealed with another key.
    func open(_ sealed: [UInt8], userID: String) -> [UInt8]? {
        AEAD.open(sealed, additional: Array("stored \(userID)".utf8), key: sealing)
    }

    /// A secret that waits for its first code, carried in the enrolment form rather than stored
    /// (showing the page changes nothing). Bound to the account and this session, so a form
    /// taken from someone else's page cannot plant a secret the planter knows.
    func sealPending(secret: [UInt8], userID: String, sessionHash: [UInt8]) -> String {
        Base64URL.encode(AEAD.seal(secret, additional: pendingLabel(userID, sessionHash), key: sealing))
    }

    func openPending(_ text: String, userID: String, sessionHash: [UInt8]) -> [UInt8]? {
        guard text.utf8.count <= 200, let sealed = Base64URL.decode(text) else { return nil }
        return AEAD.open(sealed, additional: pendingLabel(userID, sessionHash), key: sealing).flatMap {
            $0.count == TOTP.secretBytes ? $0 : nil
        }
    }

    /// What a recovery code is stored as. A keyed hash rather than Argon2id: a code carries 50
    /// random bits, so slowing each guess buys nothing that the rate limit does not, while ten
    /// Argon2id checks per attempt would make every wrong code cost seconds of CPU; and without
    /// the key a copy of the table cannot even be tested against guesses.
    func recoveryHash(_ canonical: String, userID: String) -> [UInt8] {
        KeyedHash.mac(Array("\(userID) \(canonical)".utf8), key: recovery)
    }

    private func pendingLabel(_ userID: String, _ sessionHash: [UInt8]) -> [UInt8] {
        Array("pending \(userID) ".utf8) + sessionHash
    }
}
