import CProcessSpawn
import Foundation
import StudyModel

#if canImport(Glibc)
import Glibc
#endif

/// Runs `/bin/sh -c COMMAND` as the leader of a new process group (`posix_spawn` with
/// `POSIX_SPAWN_SETPGROUP`, through the `CProcessSpawn` shim), feeding stdin and collecting stdout
/// and stderr, so that a timeout can signal the whole group: the simulation and every process it
/// started. The child inherits no other descriptor (close-on-exec pipes, `closefrom(3)`): siblings
/// never hold each other's pipes open.
struct ChildProcess {
    struct Outcome {
        /// Exit status when the shell exited normally.
        var exitCode: Int32?
        /// The signal that ended the shell, if one did.
        var signal: Int32?
        var timedOut: Bool
        /// Whether `shouldStop` asked for the process group to end.
        var stopped: Bool = false
        var standardOutput: Data
        var standardError: Data
    }

    /// Which output stream a chunk came from.
    enum Stream: String, Sendable {
        case standardOutput = "stdout"
        case standardError = "stderr"
    }

    /// Runs `command`; after `timeout` seconds, or as soon as `shouldStop` returns true (polled every
    /// few milliseconds), the group gets SIGTERM and, 5 s later, SIGKILL. `onOutput` sees every chunk
    /// of output as it is read, on a reader thread.
    static func run(
        command: String,
        environment: [String: String],
        input: Data,
        timeout: Double,
        shouldStop: (() -> Bool)? = nil,
        onOutput: (@Sendable (Stream, Data) -> Void)? = nil
    ) throws(StudyError) -> Outcome {
        let environmentStrings = environment.map { "\($0.key)=\($0.value)" }
        var envp: [UnsafeMutablePointer<CChar>?] = environmentStrings.map { strdup($0) } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        var inputFD: Int32 = -1
        var outputFD: Int32 = -1
        var errorFD: Int32 = -1
        let spawned = paretopilot_spawn_shell(command, &envp, &pid, &inputFD, &outputFD, &errorFD)
        guard spawned == 0 else {
            throw StudyError("cannot start the evaluator: \(String(cString: strerror(spawned)))", field: "evaluator")
        }
        let inputPipe: [Int32] = [-1, inputFD]
        let outputPipe: [Int32] = [outputFD, -1]
        let errorPipe: [Int32] = [errorFD, -1]
        let output = Reader(fd: outputPipe[0]) { onOutput?(.standardOutput, $0) }
        let error = Reader(fd: errorPipe[0]) { onOutput?(.standardError, $0) }
        // A program that does not read its input must not block us: write what fits, ignore EPIPE.
        signal(SIGPIPE, SIG_IGN)
        input.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(inputPipe[1], bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
        close(inputPipe[1])

        var status: Int32 = 0
        var timedOut = false
        var stopped = false
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            let stopRequested = shouldStop?() ?? false
            if Date() > deadline || stopRequested {
                timedOut = !stopRequested
                stopped = stopRequested
                kill(-pid, SIGTERM)
                let grace = Date().addingTimeInterval(5)
                while waitpid(pid, &status, WNOHANG) == 0 {
                    if Date() > grace {
                        kill(-pid, SIGKILL)
                        waitpid(pid, &status, 0)
                        break
                    }
                    usleep(20_000)
                }
                break
            }
            usleep(5_000)
        }
        // Children left behind by the shell would keep the pipes open: end the group.
        if !output.finished(within: 1) || !error.finished(within: 0.1) { kill(-pid, SIGKILL) }
        let low = status & 0x7f
        return Outcome(
            exitCode: low == 0 ? (status >> 8) & 0xff : nil,
            signal: low != 0 && low != 0x7f ? low : nil,
            timedOut: timedOut,
            stopped: stopped,
            standardOutput: output.wait(),
            standardError: error.wait()
        )
    }

    /// Reads a descriptor to its end on a background thread.
    final class Reader: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        private var isDone = false
        private let lock = NSLock()

        init(fd: Int32, onChunk: (@Sendable (Data) -> Void)? = nil) {
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    if count <= 0 { break }
                    let chunk = Data(buffer[0..<count])
                    lock.lock()
                    data.append(chunk)
                    lock.unlock()
                    onChunk?(chunk)
                }
                close(fd)
                lock.lock()
                isDone = true
                lock.unlock()
                done.signal()
            }
        }

        func finished(within seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                lock.lock()
                let finished = isDone
                lock.unlock()
                if finished { return true }
                usleep(5_000)
            }
            return false
        }

        func wait() -> Data {
            done.wait()
            done.signal()
            lock.lock()
            defer { lock.unlock() }
            return data
        }
    }
}
