import Memberwise

/// A closed set of values spelled as strings in JSON and on the command line. Decoding an unknown
/// spelling fails with a message that lists the known ones.
public protocol NamedCases: RawRepresentable<String>, CaseIterable, Codable, Sendable {}

extension NamedCases {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(rawValue: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "must be one of \(Self.spellings), got '\(text)'"
            )
        }
        self = value
    }

    /// Parses a spelling, naming `field` in the error.
    public init(parsing text: String, field: String) throws(StudyError) {
        guard let value = Self(rawValue: text.lowercased()) else {
            throw StudyError("\(field) must be one of \(Self.spellings), got '\(text)'", field: field)
        }
        self = value
    }

    /// The known spellings, comma-separated.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// How the optimiser chooses designs.
public enum Strategy: String, NamedCases {
    /// qLogNEHVI for 2 to 4 objectives, qNParEGO above, LogEI for one.
    case auto
    case qlognehvi, qnparego, logei, ucb, sobol
    /// Trust-region search with Thompson sampling: many parameters, large budgets, large batches.
    case trustRegion = "trust_region"
    /// A served study whose designs all come from its client (`POST /v1/studies/{study}/trials`), as an
    /// excursion or limit scan dispatching its steps to pilots does.
    case external
}

/// The surrogate model fitted to each output.
public enum SurrogateModel: String, NamedCases {
    /// The plain GP (SAAS is chosen by the user: it wins where few parameters matter, loses where all do).
    case auto
    /// An exact GP with a dimension-scaled log-normal prior on its lengthscales.
    case gp
    /// An exact GP under the sparse axis-aligned subspace (SAAS) prior, fitted by MAP: for many
    /// parameters of which few matter.
    case saas
}

/// Whether evaluations are noisy.
public enum Noise: String, NamedCases {
    /// A noise level fitted with the model.
    case inferred
    /// Exact simulators: a fixed, tiny noise.
    case deterministic
}

/// Any JSON key, to find the keys a type does not know.
@MemberwiseInit
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws when the JSON object has a key outside `known`, so that a misspelt field is an error
    /// that names it rather than silently ignored.
    func rejectUnknownKeys<Key: CodingKey & CaseIterable>(_ known: Key.Type) throws {
        let names = Set(Key.allCases.map(\.stringValue))
        let container = try self.container(keyedBy: AnyCodingKey.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !names.contains($0) }) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [AnyCodingKey(stringValue: unknown)],
                    debugDescription: "unknown field; expected one of \(names.sorted().joined(separator: ", "))"
                )
            )
        }
    }
}
