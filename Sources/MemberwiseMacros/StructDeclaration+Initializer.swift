extension StructDeclaration {
    /// The source of the memberwise initializer: the struct's access level, one parameter per stored property
    /// in declaration order (function types `@escaping`, initial values as default arguments), one assignment
    /// per property.
    var initializer: String {
        let modifier = access.isEmpty ? "" : access + " "
        guard !properties.isEmpty else { return "\(modifier)init() {\n}" }
        let parameters = properties.map { property in
            let type = StoredProperty.isFunction(property.type) ? "@escaping " + property.type : property.type
            let defaultValue = property.defaultValue.map { " = " + $0 } ?? ""
            return "    \(property.name): \(type)\(defaultValue)"
        }
        let assignments = properties.map { "    self.\($0.name) = \($0.name)" }
        return "\(modifier)init(\n" + parameters.joined(separator: ",\n") + "\n) {\n"
            + assignments.joined(separator: "\n") + "\n}"
    }
}
