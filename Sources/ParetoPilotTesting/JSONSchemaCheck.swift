import Foundation
import Memberwise

/// Checks JSON values (as `JSONSerialization` reads them) against the schemas of an OpenAPI
/// document: `$ref`, `type` (one or several), `enum`, `properties`, `required`,
/// `additionalProperties` (false or a schema), `items`, `oneOf`, `not`, `anyOf`, `minimum`,
/// `maximum`, `exclusiveMinimum`, `minLength`, `maxLength`, `minItems`, `maxItems`. What it does
/// not know (`pattern`, formats) it passes.
@MemberwiseInit
public struct JSONSchemaCheck {
    /// The whole document, for `$ref`s to `#/components/schemas/...`.
    public let document: [String: Any]

    /// The schema of a component, by name.
    public func component(_ name: String) -> [String: Any]? {
        ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any]
    }

    /// The schema of a route's successful JSON answer (`200` or `201`).
    public func responseSchema(_ method: String, _ path: String) -> [String: Any]? {
        let operation = ((document["paths"] as? [String: Any])?[path] as? [String: Any])?[method.lowercased()]
        let responses = (operation as? [String: Any])?["responses"] as? [String: Any]
        let ok = (responses?["200"] ?? responses?["201"]) as? [String: Any]
        let content = (ok?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        return content?["schema"] as? [String: Any]
    }

    /// What is wrong with `value` under `schema`, one line per fault naming its path (`.trials[2].state`).
    public func violations(_ value: Any, _ schema: [String: Any], path: String = "") -> [String] {
        var schema = schema
        var faults: [String] = []
        if let reference = schema["$ref"] as? String {
            let name = reference.replacingOccurrences(of: "#/components/schemas/", with: "")
            guard let resolved = component(name) else { return ["\(path): no component '\(name)'"] }
            faults += violations(value, resolved, path: path)
            schema["$ref"] = nil
        }
        if let types = (schema["type"] as? String).map({ [$0] }) ?? (schema["type"] as? [String]),
            !types.contains(where: { Self.isOfType(value, $0) })
        {
            return faults + ["\(path): \(Self.describe(value)) is not \(types.joined(separator: " or "))"]
        }
        if let cases = schema["enum"] as? [Any], !cases.contains(where: { Self.equal($0, value) }) {
            faults.append("\(path): \(Self.describe(value)) is not one of \(cases)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                faults.append("\(path): required key '\(key)' is missing")
            }
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] as? [String: Any] {
                    faults += violations(child, property, path: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    faults += violations(child, additional, path: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] as? Bool, !additional {
                    faults.append("\(path): key '\(key)' is not in the schema")
                } else if !properties.isEmpty, schema["additionalProperties"] == nil {
                    faults.append("\(path): key '\(key)' is not described")
                }
            }
        }
        if let array = value as? [Any] {
            if let items = schema["items"] as? [String: Any] {
                for (index, element) in array.enumerated() {
                    faults += violations(element, items, path: "\(path)[\(index)]")
                }
            }
            if let least = schema["minItems"] as? Int, array.count < least {
                faults.append("\(path): \(array.count) items, fewer than \(least)")
            }
            if let most = schema["maxItems"] as? Int, array.count > most {
                faults.append("\(path): \(array.count) items, more than \(most)")
            }
        }
        if let number = Self.number(value) {
            if let minimum = Self.number(schema["minimum"]), number < minimum {
                faults.append("\(path): \(number) < minimum \(minimum)")
            }
            if let maximum = Self.number(schema["maximum"]), number > maximum {
                faults.append("\(path): \(number) > maximum \(maximum)")
            }
            if let bound = Self.number(schema["exclusiveMinimum"]), number <= bound {
                faults.append("\(path): \(number) <= exclusive minimum \(bound)")
            }
        }
        if let text = value as? String {
            if let least = schema["minLength"] as? Int, text.count < least {
                faults.append("\(path): '\(text)' is shorter than \(least)")
            }
            if let most = schema["maxLength"] as? Int, text.count > most {
                faults.append("\(path): longer than \(most) characters")
            }
        }
        if let alternatives = schema["oneOf"] as? [[String: Any]] {
            let matching = alternatives.filter { violations(value, $0, path: path).isEmpty }.count
            if matching != 1 { faults.append("\(path): matches \(matching) of the oneOf alternatives, not 1") }
        }
        if let alternatives = schema["anyOf"] as? [[String: Any]],
            !alternatives.contains(where: { violations(value, $0, path: path).isEmpty })
        {
            faults.append("\(path): matches none of the anyOf alternatives")
        }
        if let excluded = schema["not"] as? [String: Any], violations(value, excluded, path: path).isEmpty {
            faults.append("\(path): matches the schema it must not")
        }
        return faults
    }

    private static func isBoolean(_ value: Any) -> Bool {
        // JSONSerialization gives booleans as NSNumbers of type "c" (char); numbers are "i", "q", "d".
        if let number = value as? NSNumber { return String(cString: number.objCType) == "c" }
        return value is Bool
    }

    private static func number(_ value: Any?) -> Double? {
        guard let value, !isBoolean(value) else { return nil }
        return (value as? NSNumber)?.doubleValue ?? (value as? Double) ?? (value as? Int).map(Double.init)
    }

    static func isOfType(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "string": value is String
        case "boolean": isBoolean(value)
        case "number": number(value) != nil
        case "integer": number(value).map { $0 == $0.rounded() } ?? false
        case "null": value is NSNull
        default: true
        }
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        if let a = a as? String, let b = b as? String { return a == b }
        if let a = number(a), let b = number(b) { return a == b }
        return false
    }

    private static func describe(_ value: Any) -> String {
        if let text = value as? String { return "'\(text.prefix(40))'" }
        if isBoolean(value) { return "a boolean" }
        if number(value) != nil { return "\(value)" }
        if value is [Any] { return "an array" }
        if value is [String: Any] { return "an object" }
        return "null"
    }
}
