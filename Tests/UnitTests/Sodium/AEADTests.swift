import Testing

@testable import Sodium

@Suite("AEAD and keyed hashes")
struct AEADTests {
    let key = Sodium.randomBytes(AEAD.keyBytes)

    @Test func sealedSecretsOpenOnlyWithTheirKeyAndLabel() {
        let secret = Sodium.randomBytes(20)
        let sealed = AEAD.seal(secret, additional: Array("stored u1".utf8), key: key)
        #expect(sealed.count == 24 + 20 + 16)
        #expect(AEAD.open(sealed, additional: Array("stored u1".utf8), key: key) == secret)
        #expect(AEAD.seal(secret, additional: Array("stored u1".utf8), key: key) != sealed, "a fresh nonce each time")
        #expect(AEAD.open(sealed, additional: Array("stored u2".utf8), key: key) == nil, "moved to another row")
        #expect(AEAD.open(sealed, additional: Array("stored u1".utf8), key: Sodium.randomBytes(AEAD.keyBytes)) == nil)
        var altered = sealed
        altered[30] ^= 1
        #expect(AEAD.open(altered, additional: Array("stored u1".utf8), key: key) == nil)
        #expect(AEAD.open(Array(sealed.prefix(39)), additional: Array("stored u1".utf8), key: key) == nil)
    }

    @Test func subkeysDifferByIdAndTheMacByKey() {
        let one = KeyedHash.subkey(of: key, id: 1, context: "pp2fa-v1")
        let two = KeyedHash.subkey(of: key, id: 2, context: "pp2fa-v1")
        #expect(one != two && one.count == 32)
        #expect(KeyedHash.subkey(of: key, id: 1, context: "pp2fa-v1") == one)
        let message = Array("u1 ABCDEFGHJK".utf8)
        #expect(KeyedHash.mac(message, key: one) == KeyedHash.mac(message, key: one))
        #expect(KeyedHash.mac(message, key: one) != KeyedHash.mac(message, key: two))
        #expect(KeyedHash.mac(message, key: one).count == 32)
    }
}
