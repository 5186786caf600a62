/// Pareto dominance for minimisation.
public enum Dominance {
    /// True when `a` dominates `b`: no worse in every objective and better in at least one.
    @inlinable
    public static func dominates(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, dimension: Int) -> Bool {
        var strictly = false
        for j in 0..<dimension {
            if a[j] > b[j] { return false }
            if a[j] < b[j] { strictly = true }
        }
        return strictly
    }

    /// True when `a` weakly dominates `b`: no worse in every objective.
    @inlinable
    public static func weaklyDominates(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, dimension: Int) -> Bool {
        for j in 0..<dimension where a[j] > b[j] { return false }
        return true
    }

    /// True when `a` dominates `b` (arrays).
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        precondition(a.count == b.count, "dominates: points of different dimensions")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in dominates(pa.baseAddress!, pb.baseAddress!, dimension: a.count) }
        }
    }

    /// True when `a` weakly dominates `b` (arrays): no worse in every objective.
    public static func weaklyDominates(_ a: [Double], _ b: [Double]) -> Bool {
        precondition(a.count == b.count, "weaklyDominates: points of different dimensions")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in weaklyDominates(pa.baseAddress!, pb.baseAddress!, dimension: a.count) }
        }
    }
}
