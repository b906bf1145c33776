/// A set of program counters with O(1) insert, membership and clear (a sparse set), in
/// insertion order.
struct ThreadSet {
    private(set) var members: [Int] = []
    private var slots: [Int]

    init(capacity: Int) {
        slots = [Int](repeating: 0, count: capacity)
        members.reserveCapacity(capacity)
    }

    var isEmpty: Bool { members.isEmpty }

    /// Inserts `pc`; false if it was already present.
    mutating func insert(_ pc: Int) -> Bool {
        let slot = slots[pc]
        if slot < members.count && members[slot] == pc { return false }
        slots[pc] = members.count
        members.append(pc)
        return true
    }

    mutating func clear() { members.removeAll(keepingCapacity: true) }
}
