#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The compiler plugin behind `@MemberwiseInit`: answers the compiler's capability query and expands the member
/// macro into the struct's memberwise initializer. It speaks the compiler's plugin protocol itself (see
/// `PluginMessage.swift`), so the package needs no swift-syntax, whose release build takes minutes.
@main
struct MemberwiseMacroPlugin {
    static func main() {
        let connection = MessageConnection()
        var hostProtocolVersion = 0
        do {
            while let payload = try connection.receive() {
                let message = try JSONDecoder().decode(HostMessage.self, from: Data(payload))
                let reply: PluginReply
                switch message {
                case .getCapability(let capability):
                    hostProtocolVersion = capability?.protocolVersion ?? 0
                    reply = .getCapabilityResult(capability: .init(protocolVersion: 7))
                case .expandAttachedMacro(let role, let declaration):
                    reply = expand(role: role, declaration: declaration, hostProtocolVersion: hostProtocolVersion)
                case .unsupported:
                    reply = .expandMacroResult(expandedSource: nil, diagnostics: [])
                }
                try connection.send(Array(try JSONEncoder().encode(reply)))
            }
        } catch {
            // Standard output carries the protocol; the compiler shows standard error.
            let message = Array("MemberwiseMacros: \(error)\n".utf8)
            _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            exit(1)
        }
    }

    /// The reply to an expansion request: the initializer, or a diagnostic at the declaration.
    static func expand(role: String, declaration: SourceSyntax, hostProtocolVersion: Int) -> PluginReply {
        var source: String?
        var diagnostics: [PluginDiagnostic] = []
        do throws(MemberwiseError) {
            guard role == "member" else { throw MemberwiseError(message: "@MemberwiseInit is a member macro") }
            source = try StructDeclaration(parsing: declaration.source).initializer
        } catch {
            let position = PluginDiagnostic.Position(
                fileName: declaration.location.fileName,
                offset: declaration.location.offset
            )
            diagnostics.append(PluginDiagnostic(message: error.message, position: position))
        }
        if hostProtocolVersion >= 5 { return .expandMacroResult(expandedSource: source, diagnostics: diagnostics) }
        return .expandAttachedMacroResult(expandedSources: source.map { [$0] }, diagnostics: diagnostics)
    }
}
