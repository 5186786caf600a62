import CTokenDigest
import Foundation

/// API tokens: 32 random bytes from the system's generator, shown once, stored as their SHA-256.
enum TokenDigest {
    /// A new secret: `pp_` and 64 hex digits.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "pp_" + hex(bytes)
    }

    /// Hex SHA-256 of a secret (OpenSSL's EVP interface).
    static func digest(_ secret: String) -> String {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(secret.utf8)
        let status = bytes.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &output, &length, EVP_sha256(), nil)
        }
        precondition(status == 1 && length == 32, "SHA-256 from libcrypto failed")
        return hex(Array(output.prefix(Int(length))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
