import Memberwise
import Testing

@testable import MemberwiseMacros

/// Structs whose initializers the macro writes, constructed here as another module would.
@MemberwiseInit
public struct Lease: Equatable, Sendable {
    /// Documented, with a comment holding { braces } and "quotes".
    public let pilot: String
    public var slots: Int = 1
    public var note: String?  // optional var: defaults to nil
    public var labels: [String: [Int]] = ["a": [1, 2], "b": []]
    public let kind = "lease"  // a let with a value is not set
    public static let shared = 3
    public var total: Int { slots * 2 }
    public var observed: Int = 0 {
        didSet { _ = oldValue }
    }

    public struct Nested: Equatable, Sendable {
        public var ignored: Int
    }

    public func described() -> String { "\(pilot):\(slots)" }
}

@MemberwiseInit
package struct Callbacks: Sendable {
    package var onDone: @Sendable (Int) -> Void
    package var onFail: (@Sendable (String) -> Void)?
    package var text: String = "a \"quoted\" { brace } \(1 + (2 * 3))"
}

@Suite("MemberwiseInit")
struct MemberwiseInitTests {
    @Test("the initializer takes stored properties in order, with initial values as default arguments")
    func initializerTakesStoredPropertiesWithDefaults() {
        let lease = Lease(pilot: "p1")
        #expect(lease.pilot == "p1" && lease.slots == 1 && lease.note == nil && lease.labels["a"] == [1, 2])
        let full = Lease(pilot: "p2", slots: 4, note: "n", labels: [:], observed: 2)
        #expect(full.slots == 4 && full.note == "n" && full.labels.isEmpty && full.observed == 2)
        #expect(full.kind == "lease" && full.total == 8)
        let callbacks = Callbacks(onDone: { _ in })
        #expect(callbacks.onFail == nil && callbacks.text == "a \"quoted\" { brace } 7")
    }

    @Test("parsing reads access, names, types and defaults, and passes over what is not stored")
    func parsingReadsStoredProperties() throws {
        let declaration = try StructDeclaration(
            parsing: """
                /// A struct { with braces in a comment }
                @MemberwiseInit
                package struct S<T: Sendable>: Sendable where T: Equatable {
                    private(set) var a: [String: Int] =
                        ["x": 1]
                    let b: (Int, String)
                    var c: T?; let d = 2
                    var e: () -> Void = {}
                    static var f = 0
                    var g: Int { 3 }
                    init(other: Int) { self.init(a: [:], b: (other, ""), c: nil) }
                }
                """
        )
        #expect(declaration.access == "package")
        #expect(
            declaration.properties == [
                StoredProperty(name: "a", type: "[String: Int]", defaultValue: "[\"x\": 1]"),
                StoredProperty(name: "b", type: "(Int, String)", defaultValue: nil),
                StoredProperty(name: "c", type: "T?", defaultValue: "nil"),
                StoredProperty(name: "e", type: "() -> Void", defaultValue: "{}"),
            ]
        )
        #expect(declaration.initializer.contains("e: @escaping () -> Void = {}"))
    }

    @Test(
        "declarations the macro cannot read are errors that say why",
        arguments: [
            ("enum E { case a }", "applies to structs"),
            ("struct S { lazy var a: Int = 1 }", "lazy"),
            ("struct S { @Wrapped var a: Int }", "@Wrapped"),
            ("struct S { var a, b: Int }", "one property per declaration"),
            ("struct S { var a = 1 }", "type of 'a'"),
            ("struct S {\n#if DEBUG\nvar a: Int\n#endif\n}", "#if"),
        ]
    )
    func unreadableDeclarationsAreErrors(source: String, reason: String) {
        #expect {
            _ = try StructDeclaration(parsing: source)
        } throws: { error in
            (error as? MemberwiseError)?.message.contains(reason) == true
        }
    }

    @Test("function types are escaping; optional function types are not marked")
    func functionTypesAreEscaping() {
        #expect(StoredProperty.isFunction("@Sendable (Int) -> Void"))
        #expect(StoredProperty.isFunction("(Int) async throws -> [String]"))
        #expect(!StoredProperty.isFunction("((Int) -> Void)?"))
        #expect(!StoredProperty.isFunction("[String: (Int) -> Void]"))
        #expect(!StoredProperty.isFunction("Array<Int>"))
    }
}
