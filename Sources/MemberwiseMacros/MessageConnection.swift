#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The compiler's end of the plugin protocol: length-prefixed messages on standard input and output.
struct MessageConnection {
    private let input: Int32 = 0
    private let output: Int32 = 1

    /// The next message's bytes, or nil at the end of input or at an empty message (the compiler sends one,
    /// a zero length, when it is done with the plugin).
    func receive() throws(MessageConnectionError) -> [UInt8]? {
        var header = [UInt8](repeating: 0, count: 8)
        let headerCount = try transfer(header.count) { offset in
            header.withUnsafeMutableBytes { read(input, $0.baseAddress! + offset, $0.count - offset) }
        }
        if headerCount == 0 { return nil }
        guard headerCount == header.count else { throw .truncated }
        var count: UInt64 = 0
        for (index, byte) in header.enumerated() { count |= UInt64(byte) << (8 * UInt64(index)) }
        if count == 0 { return nil }
        var payload = [UInt8](repeating: 0, count: Int(count))
        let payloadCount = try transfer(payload.count) { offset in
            payload.withUnsafeMutableBytes { read(input, $0.baseAddress! + offset, $0.count - offset) }
        }
        guard payloadCount == payload.count else { throw .truncated }
        return payload
    }

    /// Writes one message: its byte count as a little-endian UInt64, then the bytes.
    func send(_ payload: [UInt8]) throws(MessageConnectionError) {
        let count = UInt64(payload.count)
        let message = (0..<8).map { UInt8(truncatingIfNeeded: count >> (8 * UInt64($0))) } + payload
        _ = try transfer(message.count) { offset in
            message.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
        }
    }

    /// Calls `step` with the bytes moved so far until `count` have moved or it returns 0 (end of input),
    /// retrying on EINTR; returns the bytes moved.
    private func transfer(_ count: Int, _ step: (Int) -> Int) throws(MessageConnectionError) -> Int {
        var moved = 0
        while moved < count {
            let result = step(moved)
            if result < 0 {
                if errno == EINTR { continue }
                throw .system(errno)
            }
            if result == 0 { break }
            moved += result
        }
        return moved
    }
}

/// Why the connection to the compiler failed.
enum MessageConnectionError: Error {
    case truncated
    case system(Int32)
}
