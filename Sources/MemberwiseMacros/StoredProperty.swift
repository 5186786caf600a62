/// A stored instance property that the memberwise initializer sets: `let name: Type` or
/// `var name: Type [= default]`.
struct StoredProperty: Equatable {
    var name: String
    var type: String
    /// The default argument: the property's initial value, or `nil` for an optional `var` without one (as the
    /// compiler's memberwise initializer gives).
    var defaultValue: String?

    /// Modifiers that may stand before `let` or `var` of a stored instance property.
    private static let modifiers: Set<String> = [
        "public", "package", "internal", "fileprivate", "private", "nonisolated", "final", "weak", "unowned",
        "open",
    ]

    /// Reads a member; nil when it is no stored instance property (a `static` or computed property, a `let`
    /// with an initial value, a function, a nested type).
    init?(_ member: Member) throws(MemberwiseError) {
        let masked = member.masked
        let structure = masked.structure
        var position = member.range.lowerBound
        let end = member.range.upperBound

        func skipSpace() {
            while position < end, " \t\n\r".contains(structure[position]) { position += 1 }
        }

        func word() -> String {
            let start = position
            while position < end,
                structure[position].isLetter || structure[position].isNumber
                    || structure[position] == "_" || structure[position] == "`"
            {
                position += 1
            }
            return String(structure[start..<position])
        }

        func skipParentheses() {
            guard position < end, structure[position] == "(" else { return }
            var depth = 0
            while position < end {
                if structure[position] == "(" { depth += 1 }
                if structure[position] == ")" {
                    depth -= 1
                    if depth == 0 {
                        position += 1
                        return
                    }
                }
                position += 1
            }
        }

        // Attributes: a property wrapper or an attached macro changes what the initializer must do.
        skipSpace()
        var attributes: [String] = []
        while position < end, structure[position] == "@" {
            position += 1
            attributes.append(word())
            skipParentheses()
            skipSpace()
        }

        var introducer = ""
        var isStatic = false
        var isLazy = false
        while position < end {
            let keyword = word()
            if keyword.isEmpty { return nil }
            if keyword == "let" || keyword == "var" {
                introducer = keyword
                break
            }
            if keyword == "static" || keyword == "class" {
                isStatic = true
            } else if keyword == "lazy" {
                isLazy = true
            } else if !Self.modifiers.contains(keyword) {
                return nil
            }
            skipParentheses()
            skipSpace()
        }
        guard !introducer.isEmpty, !isStatic else { return nil }
        let declaration = masked.text(member.range)
        if isLazy { throw MemberwiseError(message: "@MemberwiseInit does not set lazy properties: \(declaration)") }
        let harmless: Set<String> = ["available", "usableFromInline", "preconcurrency"]
        if let wrapper = attributes.first(where: { !harmless.contains($0) }) {
            throw MemberwiseError(message: "@MemberwiseInit does not read @\(wrapper) properties: \(declaration)")
        }

        skipSpace()
        let name = word()
        guard !name.isEmpty else {
            throw MemberwiseError(message: "@MemberwiseInit reads one named property per declaration: \(declaration)")
        }
        skipSpace()
        if position < end, structure[position] == "," {
            throw MemberwiseError(message: "@MemberwiseInit reads one property per declaration: \(declaration)")
        }
        guard position < end, structure[position] == ":" else {
            // A `let` with an initial value is set already, typed or not.
            if introducer == "let", position < end, structure[position] == "=" { return nil }
            throw MemberwiseError(message: "@MemberwiseInit needs the type of '\(name)' written out: \(declaration)")
        }
        position += 1
        let typeStart = position

        // The type runs to the first `=` or `{` outside brackets; a `,` there is a second binding.
        var depth = 0
        var typeEnd = end
        var initializerStart: Int?
        var accessorStart: Int?
        var scan = typeStart
        while scan < end {
            let character = structure[scan]
            if "([<".contains(character) {
                depth += 1
            } else if ")]".contains(character) || (character == ">" && structure[scan - 1] != "-") {
                depth -= 1
            } else if depth == 0, character == "=" {
                typeEnd = scan
                initializerStart = scan + 1
                break
            } else if depth == 0, character == "{" {
                typeEnd = scan
                accessorStart = scan
                break
            } else if depth == 0, character == "," {
                throw MemberwiseError(message: "@MemberwiseInit reads one property per declaration: \(declaration)")
            }
            scan += 1
        }
        let type = masked.text(typeStart..<typeEnd).split(whereSeparator: { $0 == "\n" })
            .map { String($0).trimmingWhitespace() }.joined(separator: " ")

        if let accessorStart {
            // Observers keep a property stored; `get`, `set` or a bare expression make it computed.
            guard Self.opensObservers(structure, at: accessorStart, before: end) else { return nil }
        }
        if let initializerStart {
            if introducer == "let" { return nil }
            defaultValue = masked.text(initializerStart..<Self.endOfInitialValue(structure, initializerStart..<end))
        } else if introducer == "var", Self.isOptional(type) {
            defaultValue = "nil"
        } else {
            defaultValue = nil
        }
        self.name = name
        self.type = type
    }

    init(name: String, type: String, defaultValue: String?) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }

    /// Whether the `{` at `open` starts a `willSet` or `didSet` block: its first word, read before `end`.
    private static func opensObservers(_ structure: [Character], at open: Int, before end: Int) -> Bool {
        var position = open + 1
        while position < end, " \t\n\r".contains(structure[position]) { position += 1 }
        var word = ""
        while position < end, structure[position].isLetter {
            word.append(structure[position])
            position += 1
        }
        return word == "willSet" || word == "didSet"
    }

    /// Where the initial value in `range` ends: before a `{ willSet ... }` or `{ didSet ... }` block outside
    /// brackets (a closure literal's braces belong to the value).
    private static func endOfInitialValue(_ structure: [Character], _ range: Range<Int>) -> Int {
        var depth = 0
        for position in range {
            let character = structure[position]
            if "([".contains(character) { depth += 1 }
            if ")]".contains(character) { depth -= 1 }
            guard depth == 0, character == "{" else { continue }
            if opensObservers(structure, at: position, before: range.upperBound) { return position }
        }
        return range.upperBound
    }

    /// Whether `type` is written as an optional (`T?`, `T!`, `Optional<T>`).
    static func isOptional(_ type: String) -> Bool {
        type.hasSuffix("?") || type.hasSuffix("!") || type.hasPrefix("Optional<")
    }

    /// Whether `type` is a function type, whose parameter must be `@escaping`: an arrow outside parentheses
    /// after any leading attributes (`@Sendable () -> Void`; `(() -> Void)?` is an optional, already escaping).
    static func isFunction(_ type: String) -> Bool {
        var depth = 0
        let characters = Array(type)
        for index in characters.indices {
            let character = characters[index]
            if "([<".contains(character) { depth += 1 }
            if ")]".contains(character) || (character == ">" && index > 0 && characters[index - 1] != "-") {
                depth -= 1
            }
            if depth == 0, character == "-", index + 1 < characters.count, characters[index + 1] == ">" {
                return true
            }
        }
        return false
    }
}
