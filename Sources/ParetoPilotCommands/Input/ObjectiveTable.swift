import Foundation
import Pareto

/// A CSV file of objective vectors: one point per row, comma-separated numbers, optional header.
///
/// Blank lines and lines starting with `#` are skipped; a first row that is not all numbers is a
/// header (its names are kept). Every other problem is an error naming the line and column.
public struct ObjectiveTable: Sendable {
    /// Column names from the header, if there was one.
    public var header: [String]?
    /// The points.
    public var points: PointSet

    /// Parses CSV text; `source` names the file in error messages.
    public static func parse(_ text: String, source: String = "input") throws(InputError) -> ObjectiveTable {
        var header: [String]? = nil
        var rows: [[Double]] = []
        var width: Int? = nil
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let numbers = fields.map { Double($0) }
            if rows.isEmpty && header == nil && numbers.contains(where: { $0 == nil }) {
                header = fields
                width = fields.count
                continue
            }
            if let width, fields.count != width {
                throw InputError(
                    "\(source):\(lineNumber): row has \(fields.count) columns, expected \(width)",
                    field: source
                )
            }
            width = fields.count
            var row: [Double] = []
            for (column, value) in numbers.enumerated() {
                guard let value else {
                    throw InputError(
                        "\(source):\(lineNumber): column \(column + 1) is '\(fields[column])', not a number",
                        field: source
                    )
                }
                guard value.isFinite else {
                    throw InputError(
                        "\(source):\(lineNumber): column \(column + 1) is \(fields[column]); values must be finite",
                        field: source
                    )
                }
                row.append(value)
            }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw InputError("\(source): no data rows", field: source) }
        do {
            return ObjectiveTable(header: header, points: try PointSet(rows: rows))
        } catch {
            throw InputError("\(source): \(error.message)", field: source)
        }
    }

    /// Reads and parses a file.
    public static func read(path: String) throws(InputError) -> ObjectiveTable {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InputError("cannot read '\(path)': \(error.localizedDescription)", field: path)
        }
        return try parse(text, source: path)
    }
}

/// Bad input to a command: a message for the user and what it concerns; exit code 2.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var field: String?

    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { message }
}
