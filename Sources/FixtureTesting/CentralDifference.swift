/// The two points of a central difference: `x + h e_j` and `x - h e_j`.
///
/// A derivative along coordinate `j` is then `(f(plus) - f(minus)) / (2 h)`, with error O(h²).
public func centralDifferencePoints(
    _ x: [Double],
    along j: Int,
    step h: Double
) -> (plus: [Double], minus: [Double]) {
    var plus = x
    plus[j] += h
    var minus = x
    minus[j] -= h
    return (plus, minus)
}
