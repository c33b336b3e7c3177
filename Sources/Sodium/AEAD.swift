internal import CSodium

/// XChaCha20-Poly1305 (IETF) through libsodium: authenticated encryption with a random 24-byte
/// nonce per message, so nonces never need counting. `additional` is authenticated but not
/// encrypted: binding a ciphertext to its row (say, a user id) means a ciphertext copied onto
/// another row does not open. Nothing here blocks.
public enum AEAD {
    public static let keyBytes = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    static let nonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagBytes = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// nonce ‖ ciphertext ‖ tag.
    public static func seal(_ plaintext: [UInt8], additional: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(Sodium.ready && key.count == keyBytes)
        let nonce = Sodium.randomBytes(nonceBytes)
        var sealed = [UInt8](repeating: 0, count: plaintext.count + tagBytes)
        var length: UInt64 = 0
        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &sealed, &length, plaintext, UInt64(plaintext.count), additional, UInt64(additional.count), nil, nonce, key)
        return nonce + sealed.prefix(Int(length))
    }

    /// The plaintext, or nil when `sealed` was not made with this key and `additional` (or was altered).
    public static func open(_ sealed: [UInt8], additional: [UInt8], key: [UInt8]) -> [UInt8]? {
        precondition(Sodium.ready && key.count == keyBytes)
        guard sealed.count >= nonceBytes + tagBytes else { return nil }
        let nonce = Array(sealed.prefix(nonceBytes))
        let body = Array(sealed.dropFirst(nonceBytes))
        var plaintext = [UInt8](repeating: 0, count: body.count - tagBytes)
        var length: UInt64 = 0
        let rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
            &plaintext, &length, nil, body, UInt64(body.count), additional, UInt64(additional.count), nonce, key)
        return rc == 0 ? Array(plaintext.prefix(Int(length))) : nil
    }
}
