import ArgumentParser
import Foundation

/// `--ca-file` and `--insecure` of the commands that talk to a server. They set
/// `PARETOPILOT_CA_FILE` and `PARETOPILOT_INSECURE` for every client of this process and for the
/// pilots it starts.
struct ClientSecurityOptions: ParsableArguments {
    @Option(
        name: .customLong("ca-file"),
        help: "PEM CA certificates to verify an https server against (default: the system's trust store)."
    )
    var caFile: String?

    @Flag(help: "Allow sending the token over plain http to a non-loopback address (a network you trust only).")
    var insecure = false

    func validate() throws {
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--ca-file: cannot read '\(caFile)'")
        }
    }

    /// Makes the settings the process's (the clients read them from the environment).
    func apply() {
        if let caFile {
            setenv("PARETOPILOT_CA_FILE", URL(fileURLWithPath: caFile).standardizedFileURL.path, 1)
        }
        if insecure { setenv("PARETOPILOT_INSECURE", "1", 1) }
    }

    /// The same options for a pilot started by this process.
    var pilotArguments: [String] {
        (caFile.map { ["--ca-file", URL(fileURLWithPath: $0).standardizedFileURL.path] } ?? [])
            + (insecure ? ["--insecure"] : [])
    }
}
