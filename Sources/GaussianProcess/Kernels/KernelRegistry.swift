/// The kernels ParetoPilot knows by name; benchmarks and `paretopilot bench gp` run every one.
public enum KernelRegistry {
    /// Every registered kernel, the default first.
    public static let all: [any Kernel] = [Matern52Kernel(), RBFKernel(), Matern32Kernel()]

    /// The kernel used when none is named.
    public static var defaultKernel: any Kernel { all[0] }

    /// The names of the registered kernels.
    public static var names: [String] { all.map(\.name) }

    /// The kernel called `name` (case-insensitive), or nil.
    public static func kernel(named name: String) -> (any Kernel)? {
        all.first { $0.name == name.lowercased() }
    }
}
