import StudyModel

/// A type that appears on the wire and is described in the OpenAPI document by a schema derived
/// from its own `Encodable` conformance: ``examples`` are encoded by a ``SchemaEncoder``, which
/// records each key, its JSON type and whether every example writes it. The document is therefore
/// generated from the same declarations the server and its clients encode and decode with; a
/// field added to a type is in the document without anyone editing it.
///
/// Types nested in a ``WireSchema`` that are themselves ``WireSchema`` become components of their
/// own (`$ref`); other nested types are described inline.
public protocol WireSchema: Encodable, Sendable {
    /// Values that between them write every key the type can write. A key every example writes
    /// is required; one that some example leaves out (or writes with `encodeIfPresent`) is not.
    static var examples: [Self] { get }
    /// What the derived schema cannot know: descriptions and bounds of the type's own keys.
    static var notes: [String: FieldNote] { get }
    /// A sentence on the type as a whole.
    static var summary: String? { get }
    /// Whether keys other than those described are refused (`additionalProperties: false`).
    static var isClosed: Bool { get }
    /// The name of the component; by default the type's name, nested names joined.
    static var schemaName: String { get }
    /// A schema given in full, for a type whose encoding is a union the examples cannot show
    /// (a number or a string); `nil` (the default) derives it from the examples.
    static var explicitSchema: JSONValue? { get }
    /// Keywords on the type as a whole that relate its keys (`oneOf` of required sets).
    static var keywords: [String: JSONValue] { get }
}

extension WireSchema {
    public static var notes: [String: FieldNote] { [:] }
    public static var summary: String? { nil }
    public static var isClosed: Bool { false }
    public static var explicitSchema: JSONValue? { nil }
    public static var keywords: [String: JSONValue] { [:] }
    public static var schemaName: String {
        String(reflecting: Self.self).split(separator: ".").dropFirst().joined()
    }
}

/// A request body is closed, so that a misspelt field is an error (see ``WireRequest/fields``).
extension WireRequest {
    public static var isClosed: Bool { true }
}

/// What the document says of one key beyond its type.
public struct FieldNote: Sendable, ExpressibleByStringLiteral {
    /// Shown with the key.
    public var description: String?
    /// Further JSON Schema keywords: `minimum`, `maximum`, `minLength`, `pattern`, ...
    public var keywords: [String: JSONValue]
    /// Overrides whether the key is required (a decoder with a default for a key every example writes).
    public var required: Bool?

    public init(_ description: String? = nil, keywords: [String: JSONValue] = [:], required: Bool? = nil) {
        self.description = description
        self.keywords = keywords
        self.required = required
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// A number or integer of at least `minimum`.
    public static func atLeast(_ minimum: Double, _ description: String? = nil) -> FieldNote {
        FieldNote(description, keywords: ["minimum": .number(minimum)])
    }

    /// A number or integer within `range`.
    public static func within(_ range: ClosedRange<Double>, _ description: String? = nil) -> FieldNote {
        FieldNote(description, keywords: ["minimum": .number(range.lowerBound), "maximum": .number(range.upperBound)])
    }

    /// A number greater than zero.
    public static func positive(_ description: String? = nil) -> FieldNote {
        FieldNote(description, keywords: ["exclusiveMinimum": .number(0)])
    }

    /// A string of at least one character.
    public static let nonEmpty = FieldNote(keywords: ["minLength": 1])

    /// A string of `range` characters.
    public static func length(_ range: ClosedRange<Int>, _ description: String? = nil) -> FieldNote {
        FieldNote(
            description,
            keywords: ["minLength": .number(Double(range.lowerBound)), "maxLength": .number(Double(range.upperBound))]
        )
    }
}
