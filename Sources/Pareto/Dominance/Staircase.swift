/// A two-dimensional mutually non-dominated set ordered by its first coordinate, with
/// `O(log n)` expected search, insertion and removal: a treap in flat arrays.
///
/// Entries are kept with strictly increasing `x` and strictly decreasing `y` (a "staircase"), as
/// the dimension-sweep algorithms need: HV3D-class hypervolume and non-dominated filtering in three
/// objectives sweep the third objective and keep the two-dimensional front of what they have seen.
final class Staircase {
    // Flat node storage, allocated once for the capacity (no copy-on-write checks in the hot loop).
    private let capacity: Int
    private let xs: UnsafeMutablePointer<Double>
    private let ys: UnsafeMutablePointer<Double>
    private let ids: UnsafeMutablePointer<Int>
    private let left: UnsafeMutablePointer<Int32>
    private let right: UnsafeMutablePointer<Int32>
    private let priorities: UnsafeMutablePointer<UInt64>
    private var nodeCount = 0
    private var root: Int32 = -1
    private var random: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// A staircase for at most `capacity` insertions.
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        xs = .allocate(capacity: self.capacity)
        ys = .allocate(capacity: self.capacity)
        ids = .allocate(capacity: self.capacity)
        left = .allocate(capacity: self.capacity)
        right = .allocate(capacity: self.capacity)
        priorities = .allocate(capacity: self.capacity)
    }

    deinit {
        xs.deallocate()
        ys.deallocate()
        ids.deallocate()
        left.deallocate()
        right.deallocate()
        priorities.deallocate()
    }

    /// An entry of the staircase.
    struct Entry {
        var x: Double
        var y: Double
        var id: Int
    }

    var isEmpty: Bool { root < 0 }

    /// The entry with the largest `x <= x0`, if any.
    func predecessor(ofX x0: Double) -> Entry? {
        var node = root
        var best: Int32 = -1
        while node >= 0 {
            if xs[Int(node)] <= x0 {
                best = node
                node = right[Int(node)]
            } else {
                node = left[Int(node)]
            }
        }
        return best >= 0 ? entry(best) : nil
    }

    /// The entry with the largest `x < x0`, if any.
    func strictPredecessor(ofX x0: Double) -> Entry? {
        var node = root
        var best: Int32 = -1
        while node >= 0 {
            if xs[Int(node)] < x0 {
                best = node
                node = right[Int(node)]
            } else {
                node = left[Int(node)]
            }
        }
        return best >= 0 ? entry(best) : nil
    }

    /// True when some entry weakly dominates `(x, y)`.
    func weaklyDominates(x: Double, y: Double) -> Bool {
        guard let p = predecessor(ofX: x) else { return false }
        return p.y <= y
    }

    /// Inserts `(x, y)` unless it is weakly dominated, removing the entries it weakly dominates.
    ///
    /// - Parameter removed: called with each removed entry, in increasing `x`.
    /// - Returns: nil when the point was weakly dominated (nothing changes); otherwise the entries
    ///   around it after insertion: the predecessor (largest `x` below) and successor (smallest `x` above).
    @discardableResult
    func insert(
        x: Double,
        y: Double,
        id: Int,
        removed: (Entry) -> Void = { _ in }
    ) -> (predecessor: Entry?, successor: Entry?)? {
        if weaklyDominates(x: x, y: y) { return nil }
        // Split into x < x0 and x >= x0.
        let (lower, upper) = split(root, .xBelow(x))
        // In `upper` (increasing x, decreasing y) the entries with y >= y0 form a prefix: dominated.
        let (dominated, rest) = split(upper, .yAtLeast(y))
        visitInOrder(dominated, removed)
        // Neighbours before merging: merging rewires the spines of both parts.
        let predecessor = maximum(lower).map(entry)
        let successor = minimum(rest).map(entry)
        let node = makeNode(x: x, y: y, id: id)
        root = merge(merge(lower, node), rest)
        return (predecessor, successor)
    }

    /// All entries in increasing `x`.
    func entries() -> [Entry] {
        var result: [Entry] = []
        visitInOrder(root) { result.append($0) }
        return result
    }

    // MARK: Treap machinery

    private func entry(_ node: Int32) -> Entry {
        Entry(x: xs[Int(node)], y: ys[Int(node)], id: ids[Int(node)])
    }

    private func makeNode(x: Double, y: Double, id: Int) -> Int32 {
        precondition(nodeCount < capacity, "Staircase: more insertions than its capacity")
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        let node = nodeCount
        xs[node] = x
        ys[node] = y
        ids[node] = id
        left[node] = -1
        right[node] = -1
        priorities[node] = random
        nodeCount += 1
        return Int32(node)
    }

    /// A predicate that holds on a prefix of the in-order sequence.
    private enum Prefix {
        case xBelow(Double)
        case yAtLeast(Double)
    }

    /// Splits into the prefix where `rule` holds and the rest.
    private func split(_ node: Int32, _ rule: Prefix) -> (Int32, Int32) {
        if node < 0 { return (-1, -1) }
        let inPrefix: Bool
        switch rule {
        case .xBelow(let x): inPrefix = xs[Int(node)] < x
        case .yAtLeast(let y): inPrefix = ys[Int(node)] >= y
        }
        if inPrefix {
            let (a, b) = split(right[Int(node)], rule)
            right[Int(node)] = a
            return (node, b)
        } else {
            let (a, b) = split(left[Int(node)], rule)
            left[Int(node)] = b
            return (a, node)
        }
    }

    private func merge(_ a: Int32, _ b: Int32) -> Int32 {
        if a < 0 { return b }
        if b < 0 { return a }
        if priorities[Int(a)] > priorities[Int(b)] {
            right[Int(a)] = merge(right[Int(a)], b)
            return a
        } else {
            left[Int(b)] = merge(a, left[Int(b)])
            return b
        }
    }

    private func minimum(_ node: Int32) -> Int32? {
        if node < 0 { return nil }
        var n = node
        while left[Int(n)] >= 0 { n = left[Int(n)] }
        return n
    }

    private func maximum(_ node: Int32) -> Int32? {
        if node < 0 { return nil }
        var n = node
        while right[Int(n)] >= 0 { n = right[Int(n)] }
        return n
    }

    private func visitInOrder(_ node: Int32, _ body: (Entry) -> Void) {
        if node < 0 { return }
        visitInOrder(left[Int(node)], body)
        body(entry(node))
        visitInOrder(right[Int(node)], body)
    }
}
