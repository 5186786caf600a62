/// Swift source with two views of the same length: `code`, where comments are blanked, and `structure`, where
/// string literals' contents are blanked as well, so that braces, brackets and keywords found in `structure` are
/// the source's own and the text between two positions can be taken from `code`.
///
/// Handles line and nested block comments, single-line, multi-line and raw string literals, escapes and
/// interpolations (`\(...)`, with nested parentheses and strings). Blanks keep newlines, so lines stay lines.
struct MaskedSource {
    let code: [Character]
    let structure: [Character]

    init(_ source: String) {
        let characters = Array(source)
        var code = characters
        var structure = characters
        var index = 0

        func blank(_ range: Range<Int>, inCode: Bool) {
            for position in range where characters[position] != "\n" {
                structure[position] = " "
                if inCode { code[position] = " " }
            }
        }

        func starts(with text: String, at position: Int) -> Bool {
            var position = position
            for character in text {
                guard position < characters.count, characters[position] == character else { return false }
                position += 1
            }
            return true
        }

        /// The end of the string literal whose opening `#`s and quotes start at `start`.
        func endOfString(from start: Int) -> Int {
            var position = start
            var hashes = ""
            while position < characters.count, characters[position] == "#" {
                hashes.append("#")
                position += 1
            }
            let multiline = starts(with: "\"\"\"", at: position)
            let quote = multiline ? "\"\"\"" : "\""
            position += quote.count
            let closing = quote + hashes
            let escape = "\\" + hashes
            while position < characters.count {
                if starts(with: closing, at: position) { return position + closing.count }
                if !multiline, characters[position] == "\n" { return position }
                if starts(with: escape, at: position) {
                    position += escape.count
                    if position < characters.count, characters[position] == "(" {
                        position = endOfInterpolation(from: position + 1)
                    } else {
                        position += 1
                    }
                    continue
                }
                position += 1
            }
            return position
        }

        /// The position after the `)` that closes an interpolation whose contents start at `start`.
        func endOfInterpolation(from start: Int) -> Int {
            var depth = 1
            var position = start
            while position < characters.count {
                let character = characters[position]
                if character == "\"" || (character == "#" && starts(with: "#\"", at: position)) {
                    position = endOfString(from: position)
                    continue
                }
                if character == "(" { depth += 1 }
                if character == ")" {
                    depth -= 1
                    if depth == 0 { return position + 1 }
                }
                position += 1
            }
            return position
        }

        while index < characters.count {
            if starts(with: "//", at: index) {
                var end = index
                while end < characters.count, characters[end] != "\n" { end += 1 }
                blank(index..<end, inCode: true)
                index = end
            } else if starts(with: "/*", at: index) {
                var depth = 0
                var end = index
                while end < characters.count {
                    if starts(with: "/*", at: end) {
                        depth += 1
                        end += 2
                    } else if starts(with: "*/", at: end) {
                        depth -= 1
                        end += 2
                        if depth == 0 { break }
                    } else {
                        end += 1
                    }
                }
                blank(index..<min(end, characters.count), inCode: true)
                index = end
            } else if characters[index] == "\"" || starts(with: "#\"", at: index) || starts(with: "##\"", at: index) {
                let end = endOfString(from: index)
                var contentStart = index
                while contentStart < end, characters[contentStart] == "#" { contentStart += 1 }
                while contentStart < end, characters[contentStart] == "\"" { contentStart += 1 }
                blank(contentStart..<max(contentStart, end - 1), inCode: false)
                index = end
            } else {
                index += 1
            }
        }
        self.code = code
        self.structure = structure
    }

    /// The text of `code` in `range`, with its lines' surrounding white space trimmed.
    func text(_ range: Range<Int>) -> String {
        String(code[range]).trimmingWhitespace()
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
