/// Adds the struct's memberwise initializer with the struct's own access level.
///
/// Swift synthesizes a memberwise initializer only `internal`, so a `public` or `package` struct that other
/// modules construct would write it out by hand. `@MemberwiseInit` writes it instead: one parameter per stored
/// instance property in declaration order, labelled with the property's name and typed as it is; initial values
/// of `var` properties become default arguments (an optional `var` without one defaults to `nil`), function types
/// are `@escaping`. `static` and computed properties and `let` properties with an initial value are not set.
/// Property wrappers, `lazy` properties, several bindings in one declaration and properties without a written
/// type are errors at the declaration.
///
/// ```swift
/// @MemberwiseInit
/// public struct LeaseRequest: Codable, Sendable {
///     public var pilot: String
///     public var slots: Int = 1
/// }
/// // public init(pilot: String, slots: Int = 1)
/// ```
@attached(member, names: named(init))
public macro MemberwiseInit() = #externalMacro(module: "MemberwiseMacros", type: "MemberwiseInitMacro")
