internal import CSodium

/// Keys derived from one master key, and BLAKE2b keyed with one of them, through libsodium.
public enum KeyedHash {
    public static let keyBytes = Int(crypto_kdf_KEYBYTES)

    /// Subkey `id` of `master` for `context` (exactly 8 characters naming its use), by
    /// `crypto_kdf_derive_from_key`: one secret in the environment, a separate key per purpose.
    public static func subkey(of master: [UInt8], id: UInt64, context: String) -> [UInt8] {
        precondition(Sodium.ready && master.count == keyBytes && context.utf8.count == Int(crypto_kdf_CONTEXTBYTES))
        var out = [UInt8](repeating: 0, count: keyBytes)
        _ = context.withCString { crypto_kdf_derive_from_key(&out, keyBytes, id, $0, master) }
        return out
    }

    /// A 32-byte BLAKE2b MAC of `message` under `key` (`crypto_generichash` with a key): fast,
    /// and worthless to anyone without the key.
    public static func mac(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(Sodium.ready && key.count >= Int(crypto_generichash_KEYBYTES_MIN))
        var out = [UInt8](repeating: 0, count: Int(crypto_generichash_BYTES))
        _ = crypto_generichash(&out, out.count, message, UInt64(message.count), key, key.count)
        return out
    }
}
