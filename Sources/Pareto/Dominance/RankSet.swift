/// A set of integers in `0..<capacity` with constant-time (per level) insert, remove,
/// predecessor and successor: a hierarchy of 64-bit words, each bit of a level saying whether the
/// corresponding word below is non-empty (a van Emde Boas layout flattened to `⌈log64 n⌉` levels).
///
/// Dimension sweeps use it over the ranks of one coordinate, which turns "the staircase point just
/// left of x" into two or three word operations.
struct RankSet {
    /// `levels[0]` holds one bit per element; each next level one bit per word of the previous.
    private var levels: [[UInt64]]

    init(capacity: Int) {
        var levels: [[UInt64]] = []
        var size = max(capacity, 1)
        repeat {
            let words = (size + 63) / 64
            levels.append([UInt64](repeating: 0, count: words))
            size = words
        } while size > 1
        self.levels = levels
    }

    mutating func insert(_ value: Int) {
        var index = value
        for level in 0..<levels.count {
            let word = index >> 6
            let bit = UInt64(1) << UInt64(index & 63)
            let wasEmpty = levels[level][word] == 0
            levels[level][word] |= bit
            if !wasEmpty { return }
            index = word
        }
    }

    mutating func remove(_ value: Int) {
        var index = value
        for level in 0..<levels.count {
            let word = index >> 6
            levels[level][word] &= ~(UInt64(1) << UInt64(index & 63))
            if levels[level][word] != 0 { return }
            index = word
        }
    }

    /// The largest element `<= value`, or nil.
    func predecessor(_ value: Int) -> Int? {
        var index = value
        var level = 0
        // Climb until a word has a set bit at or below the position.
        while true {
            let word = index >> 6
            let offset = index & 63
            let mask: UInt64 = offset == 63 ? ~0 : (UInt64(1) << UInt64(offset + 1)) &- 1
            let bits = levels[level][word] & mask
            if bits != 0 {
                index = (word << 6) | (63 - bits.leadingZeroBitCount)
                break
            }
            if level + 1 == levels.count || word == 0 { return nil }
            index = word - 1
            level += 1
        }
        // Descend taking the highest set bit.
        while level > 0 {
            level -= 1
            let bits = levels[level][index]
            index = (index << 6) | (63 - bits.leadingZeroBitCount)
        }
        return index
    }

    /// The smallest element `>= value`, or nil.
    func successor(_ value: Int) -> Int? {
        var index = value
        var level = 0
        while true {
            let word = index >> 6
            if word >= levels[level].count { return nil }
            let offset = index & 63
            let bits = levels[level][word] & (~0 << UInt64(offset))
            if bits != 0 {
                index = (word << 6) | bits.trailingZeroBitCount
                break
            }
            if level + 1 == levels.count { return nil }
            index = word + 1
            level += 1
        }
        while level > 0 {
            level -= 1
            let bits = levels[level][index]
            index = (index << 6) | bits.trailingZeroBitCount
        }
        return index
    }
}
