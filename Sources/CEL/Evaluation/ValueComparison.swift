/// CEL's equality and ordering (langdef "Equality and Ordering", with the heterogeneous
/// numeric comparisons of the current spec: `1 == 1u == 1.0`, `1 < 1.5`, `-1 < 0u`).
enum ValueComparison {
    enum Order {
        case less, equal, greater
        /// A NaN is involved: every ordering operator is false.
        case unordered
    }

    /// `a == b`: never an error; values of different types are unequal, numbers compare by
    /// value across int, uint and double, NaN equals nothing, lists and maps compare
    /// element-wise. `work` counts the elements and bytes looked at, for the cost budget.
    static func equal(_ a: CELValue, _ b: CELValue, work: inout Int) -> Bool {
        work += 1
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)):
            work += min(x.utf8.count, y.utf8.count) / 8
            return x.utf8.elementsEqual(y.utf8)
        case (.bytes(let x), .bytes(let y)):
            work += min(x.count, y.count) / 8
            return x == y
        case (.type(let x), .type(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.timestamp(let x), .timestamp(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (l, r) in zip(x, y) where !equal(l, r, work: &work) { return false }
            return true
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for (key, value) in x {
                guard let other = y[key], equal(value, other, work: &work) else { return false }
            }
            return true
        default:
            guard let order = numericOrder(a, b) else { return false }
            return order == .equal
        }
    }

    /// The order of `a` and `b`, or nil when CEL defines no ordering between them (lists,
    /// maps, null, types, or values of different non-numeric types).
    static func order(_ a: CELValue, _ b: CELValue) -> Order? {
        func of<T: Comparable>(_ x: T, _ y: T) -> Order { x < y ? .less : (x == y ? .equal : .greater) }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return of(x ? 1 : 0, y ? 1 : 0)
        case (.string(let x), .string(let y)):
            // UTF-8 byte order is code point order.
            return lexicographic(x.utf8, y.utf8)
        case (.bytes(let x), .bytes(let y)): return lexicographic(x, y)
        case (.duration(let x), .duration(let y)): return of(x, y)
        case (.timestamp(let x), .timestamp(let y)): return of(x, y)
        default: return numericOrder(a, b)
        }
    }

    private static func lexicographic<C: Collection>(_ x: C, _ y: C) -> Order where C.Element == UInt8 {
        var i = x.makeIterator()
        var j = y.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return .equal
            case (nil, _): return .less
            case (_, nil): return .greater
            case (let p?, let q?):
                if p != q { return p < q ? .less : .greater }
            }
        }
    }

    /// The order of two numbers of any of int, uint and double; nil for non-numbers. An int
    /// or uint compared with a double is compared as a double (after range checks), as
    /// cel-go does.
    static func numericOrder(_ a: CELValue, _ b: CELValue) -> Order? {
        func of<T: Comparable>(_ x: T, _ y: T) -> Order { x < y ? .less : (x == y ? .equal : .greater) }
        func doubles(_ x: Double, _ y: Double) -> Order { x.isNaN || y.isNaN ? .unordered : of(x, y) }
        func flip(_ order: Order?) -> Order? {
            switch order {
            case .less: return .greater
            case .greater: return .less
            default: return order
            }
        }
        switch (a, b) {
        case (.int(let x), .int(let y)): return of(x, y)
        case (.uint(let x), .uint(let y)): return of(x, y)
        case (.double(let x), .double(let y)): return doubles(x, y)
        case (.int(let x), .uint(let y)): return x < 0 ? .less : of(UInt64(x), y)
        case (.uint, .int): return flip(numericOrder(b, a))
        case (.int(let x), .double(let y)):
            if y.isNaN { return .unordered }
            if y < -9.223372036854775808e18 { return .greater }
            if y > 9.223372036854775807e18 { return .less }
            return doubles(Double(x), y)
        case (.uint(let x), .double(let y)):
            if y.isNaN { return .unordered }
            if y < 0 { return .greater }
            if y > 1.8446744073709551615e19 { return .less }
            return doubles(Double(x), y)
        case (.double, .int), (.double, .uint): return flip(numericOrder(b, a))
        default: return nil
        }
    }
}
