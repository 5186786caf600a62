import Foundation
import StudyModel

/// The schema of one value as a ``SchemaEncoder`` finds it, merged across the examples of a type:
/// keys every example writes are required, keys some example leaves out are optional.
final class SchemaNode {
    enum Kind: Equatable {
        /// Nothing written yet (an empty array's items, `null`).
        case unknown
        /// Any JSON value (``JSONValue``).
        case any
        /// `string`, `number`, `integer` or `boolean`; more than one when examples disagree.
        case primitive(Set<String>)
        /// A string from a closed set (a ``NamedCases`` enum).
        case enumeration([String])
        /// Another component, by name.
        case reference(String)
        case object
        case array
        /// A schema a type gives in full (``WireSchema/explicitSchema``).
        case explicit(JSONValue)
    }

    var kind = Kind.unknown
    /// An object's keys in the order first written, with their schemas.
    private(set) var keys: [String] = []
    private(set) var properties: [String: SchemaNode] = [:]
    /// Keys that some example did not write, or wrote only if present.
    var optional: Set<String> = []
    /// An array's elements.
    var items: SchemaNode?
    /// A map's values (`[String: V]`): `additionalProperties`.
    var values: SchemaNode?

    init(_ kind: Kind = .unknown) { self.kind = kind }

    /// The node of `key` in this object, created on first use.
    func property(_ key: String) -> SchemaNode {
        kind = .object
        if let node = properties[key] { return node }
        let node = SchemaNode()
        keys.append(key)
        properties[key] = node
        return node
    }

    /// Folds what another example wrote into this node.
    func merge(_ other: SchemaNode) {
        switch (kind, other.kind) {
        case (_, .unknown):
            return
        case (.unknown, _):
            kind = other.kind
            keys = other.keys
            properties = other.properties
            optional = other.optional
            items = other.items
            values = other.values
        case (.object, .object):
            for key in keys where other.properties[key] == nil { optional.insert(key) }
            for key in other.keys {
                if let mine = properties[key] {
                    mine.merge(other.properties[key]!)
                    if other.optional.contains(key) { optional.insert(key) }
                } else {
                    keys.append(key)
                    properties[key] = other.properties[key]
                    optional.insert(key)
                }
            }
            values = Self.merged(values, other.values)
        case (.array, .array):
            items = Self.merged(items, other.items)
        case (.primitive(let mine), .primitive(let theirs)):
            var union = mine.union(theirs)
            if union.contains("number") { union.remove("integer") }
            kind = .primitive(union)
        case (.enumeration(let mine), .enumeration(let theirs)):
            kind = .enumeration(mine + theirs.filter { !mine.contains($0) })
        default:
            if kind != other.kind { kind = .any }
        }
    }

    private static func merged(_ mine: SchemaNode?, _ theirs: SchemaNode?) -> SchemaNode? {
        guard let mine else { return theirs }
        if let theirs { mine.merge(theirs) }
        return mine
    }

    /// The JSON Schema; `notes`, `closed` and `summary` apply to this node's own keys only.
    func schema(notes: [String: FieldNote] = [:], closed: Bool = false, summary: String? = nil) -> JSONValue {
        var schema: [String: JSONValue]
        switch kind {
        case .unknown, .any:
            schema = [:]
        case .primitive(let types):
            let sorted = types.sorted()
            schema = ["type": sorted.count == 1 ? .string(sorted[0]) : .array(sorted.map(JSONValue.string))]
        case .enumeration(let cases):
            schema = ["type": "string", "enum": .array(cases.map(JSONValue.string))]
        case .reference(let name):
            return ["$ref": .string("#/components/schemas/\(name)")]
        case .explicit(let given):
            return given
        case .array:
            schema = ["type": "array", "items": items?.schema() ?? [:]]
        case .object:
            schema = ["type": "object"]
            if !keys.isEmpty {
                var described: [String: JSONValue] = [:]
                for key in keys {
                    guard case .object(var property) = properties[key]!.schema() else { continue }
                    if let note = notes[key] {
                        if let description = note.description { property["description"] = .string(description) }
                        property.merge(note.keywords) { _, given in given }
                    }
                    described[key] = .object(property)
                }
                schema["properties"] = .object(described)
                let required = keys.filter { notes[$0]?.required ?? !optional.contains($0) }
                if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
            }
            if let values {
                schema["additionalProperties"] = values.schema()
            } else if closed {
                schema["additionalProperties"] = false
            }
        }
        if let summary { schema["description"] = .string(summary) }
        return .object(schema)
    }
}

/// Derives schemas from values: primitives, closed sets, maps and arrays are recognised by type;
/// nested ``WireSchema`` types become references (collected in ``components``); the rest is
/// described by encoding it.
final class SchemaContext {
    /// The components referenced so far, by name.
    private(set) var components: [String: any WireSchema.Type] = [:]

    /// The schema of `type` from its examples, with its notes.
    func describe(_ type: any WireSchema.Type) throws -> JSONValue {
        if let given = type.explicitSchema { return given }
        let node = SchemaNode()
        for example in type.examples {
            let one = SchemaNode()
            try example.encode(to: SchemaEncoder(node: one, context: self))
            node.merge(one)
        }
        guard case .object(var schema) = node.schema(notes: type.notes, closed: type.isClosed, summary: type.summary)
        else { return [:] }
        schema.merge(type.keywords) { _, given in given }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        schema["examples"] = .array(
            try type.examples.map { try JSONDecoder().decode(JSONValue.self, from: try encoder.encode($0)) }
        )
        return .object(schema)
    }

    /// The schema of a route's body: a reference for a ``WireSchema``, else derived from `example`.
    func reference(to type: any WireSchema.Type) -> JSONValue {
        register(type)
        return ["$ref": .string("#/components/schemas/\(type.schemaName)")]
    }

    /// Names that two different types claimed.
    private(set) var conflicts: Set<String> = []

    private func register(_ type: any WireSchema.Type) {
        if let known = components[type.schemaName], ObjectIdentifier(known) != ObjectIdentifier(type) {
            conflicts.insert(type.schemaName)
        }
        components[type.schemaName] = type
    }

    /// What can be said of a type without a value (an absent optional, an empty array).
    func node(for type: Any.Type) -> SchemaNode? {
        switch type {
        case is String.Type, is Substring.Type: return SchemaNode(.primitive(["string"]))
        case is Bool.Type: return SchemaNode(.primitive(["boolean"]))
        case is Double.Type, is Float.Type: return SchemaNode(.primitive(["number"]))
        case is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type, is Int64.Type, is UInt.Type, is UInt8.Type,
            is UInt16.Type, is UInt32.Type, is UInt64.Type:
            return SchemaNode(.primitive(["integer"]))
        case is JSONValue.Type: return SchemaNode(.any)
        default: break
        }
        if let named = type as? any WireSchema.Type {
            register(named)
            return SchemaNode(.reference(named.schemaName))
        }
        if let closed = type as? any NamedCases.Type { return SchemaNode(.enumeration(Self.spellings(closed))) }
        if let optional = type as? any SchemaOptional.Type { return node(for: optional.wrappedType) }
        if let sequence = type as? any SchemaSequence.Type {
            let node = SchemaNode(.array)
            node.items = self.node(for: sequence.elementType)
            return node
        }
        if let map = type as? any SchemaMap.Type {
            let node = SchemaNode(.object)
            node.values = self.node(for: map.valueType) ?? SchemaNode(.any)
            return node
        }
        return nil
    }

    private static func spellings<T: NamedCases>(_ type: T.Type) -> [String] { T.allCases.map(\.rawValue) }

    /// Records `value` into `node`.
    func record(_ value: some Encodable, into node: SchemaNode) throws {
        if let optional = value as? any SchemaOptional {
            if let wrapped = optional.wrapped {
                try record(wrapped, into: node)
            } else if let known = self.node(for: type(of: optional).wrappedType) {
                node.merge(known)
            }
            return
        }
        if let sequence = value as? any SchemaSequence {
            let array = SchemaNode(.array)
            for element in sequence.elements {
                let one = SchemaNode()
                try record(element, into: one)
                array.items =
                    array.items.map {
                        $0.merge(one)
                        return $0
                    } ?? one
            }
            if array.items == nil { array.items = self.node(for: type(of: sequence).elementType) }
            node.merge(array)
            return
        }
        if let map = value as? any SchemaMap {
            let object = SchemaNode(.object)
            for element in map.mapValues {
                let one = SchemaNode()
                try record(element, into: one)
                object.values =
                    object.values.map {
                        $0.merge(one)
                        return $0
                    } ?? one
            }
            object.values = object.values ?? self.node(for: type(of: map).valueType) ?? SchemaNode(.any)
            node.merge(object)
            return
        }
        if let known = self.node(for: type(of: value)) {
            node.merge(known)
            return
        }
        let one = SchemaNode()
        try value.encode(to: SchemaEncoder(node: one, context: self))
        node.merge(one)
    }
}

/// An `Encoder` that writes no JSON but the shape of what it is given (see ``SchemaContext``).
struct SchemaEncoder: Encoder {
    let node: SchemaNode
    let context: SchemaContext
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.kind = .object
        return KeyedEncodingContainer(KeyedSchemaContainer<Key>(node: node, context: context))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.kind = .array
        return UnkeyedSchemaContainer(node: node, context: context)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleSchemaContainer(node: node, context: context)
    }
}

struct KeyedSchemaContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: SchemaNode
    let context: SchemaContext
    var codingPath: [any CodingKey] = []

    private func write(_ value: some Encodable, _ key: Key) throws {
        try context.record(value, into: node.property(key.stringValue))
    }

    private func writeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
        let property = node.property(key.stringValue)
        node.optional.insert(key.stringValue)
        if let value {
            try context.record(value, into: property)
        } else if let known = context.node(for: T.self) {
            property.merge(known)
        }
    }

    mutating func encodeNil(forKey key: Key) throws {
        _ = node.property(key.stringValue)
        node.optional.insert(key.stringValue)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try write(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try write(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try write(value, key) }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try writeOptional(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try writeOptional(value, key) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.property(key.stringValue)
        child.kind = .object
        return KeyedEncodingContainer(KeyedSchemaContainer<NestedKey>(node: child, context: context))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.property(key.stringValue)
        child.kind = .array
        return UnkeyedSchemaContainer(node: child, context: context)
    }

    mutating func superEncoder() -> any Encoder { SchemaEncoder(node: node, context: context) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        SchemaEncoder(node: node.property(key.stringValue), context: context)
    }
}

struct UnkeyedSchemaContainer: UnkeyedEncodingContainer {
    let node: SchemaNode
    let context: SchemaContext
    var codingPath: [any CodingKey] = []
    private(set) var count = 0

    init(node: SchemaNode, context: SchemaContext) {
        self.node = node
        self.context = context
    }

    private mutating func append(_ value: some Encodable) throws {
        count += 1
        let one = SchemaNode()
        try context.record(value, into: one)
        if let items = node.items { items.merge(one) } else { node.items = one }
    }

    private mutating func child(_ kind: SchemaNode.Kind) -> SchemaNode {
        count += 1
        if let items = node.items { return items }
        let one = SchemaNode(kind)
        node.items = one
        return one
    }

    mutating func encodeNil() throws { count += 1 }
    mutating func encode(_ value: Bool) throws { try append(value) }
    mutating func encode(_ value: String) throws { try append(value) }
    mutating func encode(_ value: Double) throws { try append(value) }
    mutating func encode(_ value: Float) throws { try append(value) }
    mutating func encode(_ value: Int) throws { try append(value) }
    mutating func encode(_ value: Int8) throws { try append(value) }
    mutating func encode(_ value: Int16) throws { try append(value) }
    mutating func encode(_ value: Int32) throws { try append(value) }
    mutating func encode(_ value: Int64) throws { try append(value) }
    mutating func encode(_ value: UInt) throws { try append(value) }
    mutating func encode(_ value: UInt8) throws { try append(value) }
    mutating func encode(_ value: UInt16) throws { try append(value) }
    mutating func encode(_ value: UInt32) throws { try append(value) }
    mutating func encode(_ value: UInt64) throws { try append(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try append(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedSchemaContainer<NestedKey>(node: child(.object), context: context))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedSchemaContainer(node: child(.array), context: context)
    }

    mutating func superEncoder() -> any Encoder { SchemaEncoder(node: child(.unknown), context: context) }
}

struct SingleSchemaContainer: SingleValueEncodingContainer {
    let node: SchemaNode
    let context: SchemaContext
    var codingPath: [any CodingKey] = []

    mutating func encodeNil() throws {}
    mutating func encode(_ value: Bool) throws { try context.record(value, into: node) }
    mutating func encode(_ value: String) throws { try context.record(value, into: node) }
    mutating func encode(_ value: Double) throws { try context.record(value, into: node) }
    mutating func encode(_ value: Float) throws { try context.record(value, into: node) }
    mutating func encode(_ value: Int) throws { try context.record(value, into: node) }
    mutating func encode(_ value: Int8) throws { try context.record(value, into: node) }
    mutating func encode(_ value: Int16) throws { try context.record(value, into: node) }
    mutating func encode(_ value: Int32) throws { try context.record(value, into: node) }
    mutating func encode(_ value: Int64) throws { try context.record(value, into: node) }
    mutating func encode(_ value: UInt) throws { try context.record(value, into: node) }
    mutating func encode(_ value: UInt8) throws { try context.record(value, into: node) }
    mutating func encode(_ value: UInt16) throws { try context.record(value, into: node) }
    mutating func encode(_ value: UInt32) throws { try context.record(value, into: node) }
    mutating func encode(_ value: UInt64) throws { try context.record(value, into: node) }
    mutating func encode<T: Encodable>(_ value: T) throws { try context.record(value, into: node) }
}

/// `Optional`, `Array` and `[String: V]` seen through their element types, for values the
/// examples leave out and for collections the encoder describes without encoding them.
protocol SchemaOptional {
    static var wrappedType: Any.Type { get }
    var wrapped: (any Encodable)? { get }
}

protocol SchemaSequence {
    static var elementType: Any.Type { get }
    var elements: [any Encodable] { get }
}

protocol SchemaMap {
    static var valueType: Any.Type { get }
    var mapValues: [any Encodable] { get }
}

extension Optional: SchemaOptional where Wrapped: Encodable {
    static var wrappedType: Any.Type { Wrapped.self }
    var wrapped: (any Encodable)? { self.map { $0 } }
}

extension Array: SchemaSequence where Element: Encodable {
    static var elementType: Any.Type { Element.self }
    var elements: [any Encodable] { map { $0 } }
}

extension Dictionary: SchemaMap where Key == String, Value: Encodable {
    static var valueType: Any.Type { Value.self }
    var mapValues: [any Encodable] { keys.sorted().map { self[$0]! } }
}
