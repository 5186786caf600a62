/// A struct declaration as far as its memberwise initializer needs it: the struct's access level and its stored
/// instance properties in declaration order.
struct StructDeclaration: Equatable {
    /// `public`, `package`, `fileprivate` or empty (internal).
    var access: String
    var properties: [StoredProperty]

    /// Parses the source of a struct declaration (attributes and leading comments included).
    ///
    /// Only stored instance properties count: `static`, computed properties, nested types, functions and
    /// initializers are passed over, as the compiler's own memberwise initializer passes them over.
    /// - Throws: `MemberwiseError` naming the declaration it cannot read (a property wrapper, a `lazy` property,
    ///   several bindings in one declaration, a property without a type annotation, `#if` among the members).
    init(parsing source: String) throws(MemberwiseError) {
        let masked = MaskedSource(source)
        let structure = masked.structure
        guard
            let keyword = Self.wordPositions(in: structure, depthZeroOnly: true).first(where: {
                ["struct", "class", "enum", "actor", "extension", "protocol"].contains($0.word)
            })
        else { throw MemberwiseError(message: "@MemberwiseInit found no struct declaration") }
        guard keyword.word == "struct" else {
            throw MemberwiseError(message: "@MemberwiseInit applies to structs, not to a \(keyword.word)")
        }
        let header = Self.wordPositions(in: Array(structure[..<keyword.position]), depthZeroOnly: true)
            .map(\.word)
        if header.contains("public") || header.contains("open") {
            access = "public"
        } else if header.contains("package") {
            access = "package"
        } else if header.contains("private") || header.contains("fileprivate") {
            access = "fileprivate"
        } else {
            access = ""
        }
        guard let open = structure[keyword.position...].firstIndex(of: "{"),
            let close = Self.matchingBrace(in: structure, from: open)
        else { throw MemberwiseError(message: "@MemberwiseInit found no body in the struct declaration") }
        var properties: [StoredProperty] = []
        for member in try Self.members(in: masked, body: (open + 1)..<close) {
            if let property = try StoredProperty(member) { properties.append(property) }
        }
        self.properties = properties
    }

    /// The members of the body in `body`: each a range of the source, attributes included.
    private static func members(in masked: MaskedSource, body: Range<Int>) throws(MemberwiseError) -> [Member] {
        let structure = masked.structure
        var members: [Member] = []
        var start: Int?
        var depth = 0
        var position = body.lowerBound

        func finish(at end: Int) {
            if let begin = start {
                let text = String(structure[begin..<end]).trimmingWhitespace()
                if !text.isEmpty { members.append(Member(masked: masked, range: begin..<end)) }
            }
            start = nil
        }

        while position < body.upperBound {
            let character = structure[position]
            switch character {
            case "(", "[":
                depth += 1
            case ")", "]":
                depth -= 1
            case "{":
                if depth == 0, let end = matchingBrace(in: structure, from: position) {
                    if start == nil { start = position }
                    position = end + 1
                    continue
                }
                depth += 1
            case "}":
                depth -= 1
            case ";" where depth == 0:
                finish(at: position)
                position += 1
                continue
            case "\n" where depth == 0:
                if let begin = start, !continues(structure, statement: begin..<position, nextFrom: position) {
                    finish(at: position)
                }
            default:
                break
            }
            if start == nil, character != " ", character != "\t", character != "\n", character != "\r" {
                if character == "#" {
                    throw MemberwiseError(message: "@MemberwiseInit does not read #if among members")
                }
                start = position
            }
            position += 1
        }
        finish(at: body.upperBound)
        return members
    }

    /// Whether the statement in `statement` goes on past the newline at `nextFrom`: it ends with an operator,
    /// a colon, a comma or an arrow, consists only of attributes, or the next line starts with `.` or `=`.
    private static func continues(_ structure: [Character], statement: Range<Int>, nextFrom: Int) -> Bool {
        let text = String(structure[statement]).trimmingWhitespace()
        if text.hasSuffix("->") { return true }
        if let last = text.last, "=,:.+*/&|".contains(last) { return true }
        if text.hasPrefix("@"), attributesOnly(text) { return true }
        var next = nextFrom
        while next < structure.count, " \t\n\r".contains(structure[next]) { next += 1 }
        if next < structure.count, structure[next] == "." || structure[next] == "=" { return true }
        return false
    }

    /// Whether `text` is nothing but attributes (`@name` with an optional parenthesised argument list).
    static func attributesOnly(_ text: String) -> Bool {
        var rest = Substring(text)
        while let first = rest.first {
            if first == " " || first == "\t" || first == "\n" {
                rest = rest.dropFirst()
                continue
            }
            guard first == "@" else { return false }
            rest = rest.dropFirst().drop { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
            if rest.first == "(" {
                var depth = 0
                var end = rest.startIndex
                while end < rest.endIndex {
                    if rest[end] == "(" { depth += 1 }
                    if rest[end] == ")" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    end = rest.index(after: end)
                }
                guard end < rest.endIndex else { return false }
                rest = rest[rest.index(after: end)...]
            }
        }
        return true
    }

    /// The position of the `}` that closes the `{` at `open`.
    static func matchingBrace(in structure: [Character], from open: Int) -> Int? {
        var depth = 0
        for position in open..<structure.count {
            if structure[position] == "{" { depth += 1 }
            if structure[position] == "}" {
                depth -= 1
                if depth == 0 { return position }
            }
        }
        return nil
    }

    /// The identifiers and keywords of `structure` with their positions; with `depthZeroOnly`, only those outside
    /// any brackets, parentheses, braces and angle brackets.
    static func wordPositions(in structure: [Character], depthZeroOnly: Bool) -> [(word: String, position: Int)] {
        var words: [(word: String, position: Int)] = []
        var depth = 0
        var position = 0
        while position < structure.count {
            let character = structure[position]
            if "([{<".contains(character) {
                depth += 1
            } else if ")]}>".contains(character) {
                depth -= 1
            } else if character.isLetter || character == "_" {
                let start = position
                while position < structure.count,
                    structure[position].isLetter || structure[position].isNumber || structure[position] == "_"
                {
                    position += 1
                }
                if !depthZeroOnly || depth == 0 { words.append((String(structure[start..<position]), start)) }
                continue
            }
            position += 1
        }
        return words
    }
}

/// One member declaration of a struct body: its masked source range.
struct Member {
    let masked: MaskedSource
    let range: Range<Int>
}

/// Why a declaration has no memberwise initializer from the macro.
struct MemberwiseError: Error, Equatable {
    var message: String
}
