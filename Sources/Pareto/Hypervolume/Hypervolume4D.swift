import Memberwise

/// Four-objective hypervolume by the HV4D+ sweep (Guerreiro & Fonseca 2018), `O(n²)`.
///
/// The fourth objective is swept upwards while the three-dimensional volume of the points seen so
/// far is kept up to date by adding each new point's exclusive 3-D contribution. The points live in
/// a list sorted by `(z, y, x)`; each remembers its two delimiters in the `(x, y)` staircase of the
/// points before it (`closest`), so the staircase at any height is rebuilt in `O(n)` by splicing,
/// and a contribution is computed in one pass up the list.
@MemberwiseInit
public struct Hypervolume4D: HypervolumeAlgorithm {
    public var name: String { "hv4d" }
    public func supports(dimension: Int) -> Bool { dimension == 4 }

    public func hypervolume(of points: PointSet, reference: [Double]) -> Double {
        points.coordinates.withUnsafeBufferPointer { c in
            Self.hypervolume(c.baseAddress!, count: points.count, stride: 4, reference: reference)
        }
    }

    struct Node {
        var x: Double
        var y: Double
        var z: Double
        var w: Double
        /// Staircase neighbours: 0 has smaller y (larger x), 1 has larger y (smaller x).
        var cnext0: Int32 = -1
        var cnext1: Int32 = -1
        /// Saved staircase delimiters among the points before this one in (z, y, x) order.
        var closest0: Int32 = -1
        var closest1: Int32 = -1
        /// Links of the z-list.
        var next: Int32 = -1
        var previous: Int32 = -1
    }

    /// The 4-D hypervolume of `count` points whose four coordinates start every `stride` doubles.
    ///
    /// - Parameters:
    ///   - sortedByW: the points are already in ascending order of the fourth coordinate.
    ///   - workspace: room for at least `count + 3` nodes, reused across calls (allocated if nil).
    static func hypervolume(
        _ p: UnsafePointer<Double>,
        count n: Int,
        stride: Int,
        reference: [Double],
        sortedByW: Bool = false,
        workspace: UnsafeMutableBufferPointer<Node>? = nil
    ) -> Double {
        if n == 0 { return 0 }
        let big = Double.greatestFiniteMagnitude
        let nodes = workspace ?? UnsafeMutableBufferPointer<Node>.allocate(capacity: n + 3)
        defer { if workspace == nil { nodes.deallocate() } }
        precondition(nodes.count >= n + 3, "Hypervolume4D: workspace too small")
        // Sentinels: 0 = S1 (top-left), 1 = S2 (bottom-right), 2 = S3 (end of the z-list).
        nodes[0] = Node(x: -big, y: reference[1], z: -big, w: -big)
        nodes[1] = Node(x: reference[0], y: -big, z: -big, w: -big)
        nodes[2] = Node(x: -big, y: -big, z: reference[2], w: reference[3])
        for i in 0..<n {
            nodes[i + 3] = Node(x: p[i * stride], y: p[i * stride + 1], z: p[i * stride + 2], w: p[i * stride + 3])
        }
        // Circular z-list S1 -> S2 -> S3 -> S1, empty of points.
        nodes[0].next = 1
        nodes[1].previous = 0
        nodes[1].next = 2
        nodes[2].previous = 1
        nodes[2].next = 0
        nodes[0].previous = 2

        var order: [Int32] = []
        if !sortedByW {
            var keyed = (0..<n).map { (p[$0 * stride + 3], Int32($0 + 3)) }
            keyed.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            order = keyed.map(\.1)
        }

        var volume = 0.0
        var total = 0.0
        for k in 0..<n {
            let index = sortedByW ? Int32(k + 3) : order[k]
            if restartBaseSetup(nodes, index) {
                volume += oneContribution3D(nodes, index)
                // Link into the z-list where restartBaseSetup found its place.
                let previous = nodes[Int(index)].previous
                let next = nodes[Int(index)].next
                nodes[Int(previous)].next = index
                nodes[Int(next)].previous = index
                updateLinks(nodes, index)
            }
            let nextW = k + 1 < n ? nodes[Int(sortedByW ? Int32(k + 4) : order[k + 1])].w : reference[3]
            total += volume * (nextW - nodes[Int(index)].w)
        }
        return total
    }

    /// Area of `p`'s 2-D region not covered by the staircase, walking from delimiter `q` (whose
    /// successor along axis `i` is `u`). `i = 1` walks up in y, `i = 0` walks along x.
    @inline(__always)
    static func area2D(
        _ nodes: UnsafeMutableBufferPointer<Node>,
        px: Double,
        py: Double,
        _ q0: Int32,
        _ u0: Int32,
        axis i: Int
    ) -> Double {
        var q = q0
        var u = u0
        if i == 1 {
            var a = (nodes[Int(q)].x - px) * (nodes[Int(u)].y - py)
            while px < nodes[Int(u)].x {
                q = u
                u = nodes[Int(u)].cnext1
                a += (nodes[Int(q)].x - px) * (nodes[Int(u)].y - nodes[Int(q)].y)
            }
            return a
        } else {
            var a = (nodes[Int(q)].y - py) * (nodes[Int(u)].x - px)
            while py < nodes[Int(u)].y {
                q = u
                u = nodes[Int(u)].cnext0
                a += (nodes[Int(q)].y - py) * (nodes[Int(u)].x - nodes[Int(q)].x)
            }
            return a
        }
    }

    /// Rebuilds the staircase of the points before `new` in (z, y, x) order and finds `new`'s
    /// delimiters and place in the z-list. Returns false if a listed point weakly dominates `new`
    /// in (x, y, z).
    static func restartBaseSetup(_ nodes: UnsafeMutableBufferPointer<Node>, _ new: Int32) -> Bool {
        let n = nodes[Int(new)]
        nodes[0].cnext0 = 1
        nodes[1].cnext1 = 0
        var c0: Int32 = 1
        var c1: Int32 = 0
        var p = nodes[1].next
        while p != 2 {
            let q = nodes[Int(p)]
            if q.x <= n.x && q.y <= n.y && q.z <= n.z { return false }
            let before = q.z < n.z || (q.z == n.z && (q.y < n.y || (q.y == n.y && q.x <= n.x)))
            if !before { break }
            nodes[Int(p)].cnext0 = q.closest0
            nodes[Int(p)].cnext1 = q.closest1
            nodes[Int(q.closest0)].cnext1 = p
            nodes[Int(q.closest1)].cnext0 = p
            let a = nodes[Int(c0)]
            let b = nodes[Int(c1)]
            if q.y < n.y && (q.x < a.x || (q.x == a.x && q.y < a.y)) {
                c0 = p
            } else if q.x < n.x && (q.y < b.y || (q.y == b.y && q.x < b.x)) {
                c1 = p
            }
            p = q.next
        }
        nodes[Int(new)].closest0 = c0
        nodes[Int(new)].closest1 = c1
        nodes[Int(new)].previous = nodes[Int(p)].previous
        nodes[Int(new)].next = p
        return true
    }

    /// The exclusive 3-D volume of `new` against the listed points (staircase rebuilt up to it).
    static func oneContribution3D(_ nodes: UnsafeMutableBufferPointer<Node>, _ new: Int32) -> Double {
        let nx = nodes[Int(new)].x
        let ny = nodes[Int(new)].y
        nodes[Int(new)].cnext0 = nodes[Int(new)].closest0
        nodes[Int(new)].cnext1 = nodes[Int(new)].closest1
        var c0 = nodes[Int(new)].cnext0
        var c1 = nodes[Int(new)].cnext1
        var area = area2D(nodes, px: nx, py: ny, c0, nodes[Int(c0)].cnext1, axis: 1)
        var volume = 0.0
        var lastZ = nodes[Int(new)].z
        var p = nodes[Int(new)].next
        while true {
            let q = nodes[Int(p)]
            volume += area * (q.z - lastZ)
            if q.x <= nx && q.y <= ny { break }
            nodes[Int(p)].cnext0 = q.closest0
            nodes[Int(p)].cnext1 = q.closest1
            if q.x < nx {
                if q.y <= nodes[Int(c1)].y {
                    area -= area2D(nodes, px: nx, py: q.y, c1, nodes[Int(c1)].cnext0, axis: 0)
                    nodes[Int(p)].cnext1 = c1
                    nodes[Int(q.closest0)].cnext1 = p
                    c1 = p
                }
            } else if q.y < ny {
                if q.x <= nodes[Int(c0)].x {
                    area -= area2D(nodes, px: q.x, py: ny, c0, nodes[Int(c0)].cnext1, axis: 1)
                    nodes[Int(p)].cnext0 = c0
                    nodes[Int(q.closest1)].cnext0 = p
                    c0 = p
                }
            } else {
                let d0 = q.closest0
                area -= area2D(nodes, px: q.x, py: q.y, d0, nodes[Int(d0)].cnext1, axis: 1)
                nodes[Int(q.closest1)].cnext0 = p
                nodes[Int(d0)].cnext1 = p
            }
            lastZ = q.z
            p = q.next
        }
        nodes[Int(new)].cnext0 = c0
        nodes[Int(new)].cnext1 = c1
        return volume
    }

    /// After `new` joined the z-list: drop the points it dominates in (x, y, z) and make it the
    /// saved delimiter of later points where it is closer.
    static func updateLinks(_ nodes: UnsafeMutableBufferPointer<Node>, _ new: Int32) {
        let n = nodes[Int(new)]
        var p = n.next
        while p != 2 {
            let q = nodes[Int(p)]
            let next = q.next
            if q.x <= n.x && q.y <= n.y && (q.x < n.x || q.y < n.y) { return }
            if n.x <= q.x {
                if n.y <= q.y {
                    nodes[Int(q.previous)].next = q.next
                    nodes[Int(q.next)].previous = q.previous
                } else if n.x < q.x {
                    let c = nodes[Int(q.closest1)]
                    if n.y < c.y || (n.y == c.y && (n.x < c.x || (n.x == c.x && n.z < c.z))) {
                        nodes[Int(p)].closest1 = new
                    }
                }
            } else if n.y < q.y {
                let c = nodes[Int(q.closest0)]
                if n.x < c.x || (n.x == c.x && (n.y < c.y || (n.y == c.y && n.z < c.z))) {
                    nodes[Int(p)].closest0 = new
                }
            }
            p = next
        }
    }
}
