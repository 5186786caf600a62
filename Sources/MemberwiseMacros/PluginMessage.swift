// The part of the compiler's macro plugin protocol that a member macro needs.
//
// The compiler starts the plugin executable once per compilation job and exchanges JSON messages with it over
// standard input and output, each preceded by its byte count as a little-endian UInt64. Swift's synthesized
// `Codable` for enums with labelled associated values gives the shape the compiler reads and writes
// (`{"getCapability":{"capability":{"protocolVersion":7}}}`). The protocol is versioned; this plugin answers
// with version 7 and, for hosts older than version 5, with the older result message.

/// A message from the compiler; cases this plugin does not serve decode as `unsupported`.
enum HostMessage: Decodable {
    case getCapability(capability: HostCapability?)
    case expandAttachedMacro(macroRole: String, declSyntax: SourceSyntax)
    case unsupported

    struct HostCapability: Decodable {
        var protocolVersion: Int
    }

    private enum CodingKeys: String, CodingKey {
        case getCapability, expandAttachedMacro
    }

    private enum GetCapabilityKeys: String, CodingKey {
        case capability
    }

    private enum ExpandAttachedMacroKeys: String, CodingKey {
        case macroRole, declSyntax
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.getCapability) {
            let fields = try container.nestedContainer(keyedBy: GetCapabilityKeys.self, forKey: .getCapability)
            self = .getCapability(capability: try fields.decodeIfPresent(HostCapability.self, forKey: .capability))
        } else if container.contains(.expandAttachedMacro) {
            let fields = try container.nestedContainer(
                keyedBy: ExpandAttachedMacroKeys.self,
                forKey: .expandAttachedMacro
            )
            self = .expandAttachedMacro(
                macroRole: try fields.decode(String.self, forKey: .macroRole),
                declSyntax: try fields.decode(SourceSyntax.self, forKey: .declSyntax)
            )
        } else {
            self = .unsupported
        }
    }
}

/// A piece of source the compiler sends: its text and where it starts.
struct SourceSyntax: Decodable {
    var source: String
    var location: SourceLocation

    struct SourceLocation: Decodable {
        var fileName: String
        var offset: Int
    }
}

/// A reply to the compiler.
enum PluginReply: Encodable {
    case getCapabilityResult(capability: PluginCapability)
    case expandMacroResult(expandedSource: String?, diagnostics: [PluginDiagnostic])
    case expandAttachedMacroResult(expandedSources: [String]?, diagnostics: [PluginDiagnostic])

    struct PluginCapability: Encodable {
        var protocolVersion: Int
    }
}

/// A diagnostic the compiler shows at a position of the expanded declaration.
struct PluginDiagnostic: Encodable {
    var message: String
    var severity = "error"
    var position: Position
    var highlights: [Unused] = []
    var notes: [Unused] = []
    var fixIts: [Unused] = []

    struct Position: Encodable {
        var fileName: String
        var offset: Int
    }

    /// Highlights, notes and fix-its, which this plugin never sends.
    struct Unused: Encodable {}
}
