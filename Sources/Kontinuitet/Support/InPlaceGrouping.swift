/// Groups elements in place by a small integer key, without a second buffer (an American flag sort: count the
/// keys, then move each element to its group's next free place, cycle by cycle). Used where the rows of a city's
/// year must be regrouped and a copy of them would double the memory.
enum InPlaceGrouping {
    /// Reorders `elements` so that keys ascend (`key` gives each element's key in `0..<keyCount`); returns the
    /// start of each key's group, `keyCount + 1` offsets. The order within a group is not kept.
    static func group<Element>(
        _ elements: UnsafeMutableBufferPointer<Element>, keyCount: Int, key: (Element) -> Int
    ) -> [Int] {
        var starts = [Int](repeating: 0, count: keyCount + 1)
        var ordered = true
        var previous = 0
        for element in elements {
            let k = key(element)
            starts[k + 1] += 1
            if k < previous { ordered = false }
            previous = k
        }
        for k in 0..<keyCount { starts[k + 1] += starts[k] }
        // Already grouped (a file listed by user): nothing to move.
        if ordered { return starts }
        var next = Array(starts.dropLast())
        for k in 0..<keyCount {
            let end = starts[k + 1]
            while next[k] < end {
                var element = elements[next[k]]
                var target = key(element)
                // Carry the element to its group, taking the one found there on to its own, until one belongs here.
                while target != k {
                    swap(&element, &elements[next[target]])
                    next[target] += 1
                    target = key(element)
                }
                elements[next[k]] = element
                next[k] += 1
            }
        }
        return starts
    }

    /// Sorts `elements` by `less`, first by insertion (the common case: elements that are nearly in order, as
    /// rows of an export listed by time are) and, when that would take long, by `sort`.
    static func sortNearlySorted<Element>(
        _ elements: inout [Element], by less: (Element, Element) -> Bool
    ) {
        let n = elements.count
        guard n > 1 else { return }
        var budget = 8 * n + 64
        for i in 1..<n {
            let x = elements[i]
            var j = i
            while j > 0 && less(x, elements[j - 1]) {
                elements[j] = elements[j - 1]
                j -= 1
                budget -= 1
            }
            elements[j] = x
            if budget < 0 {
                elements.sort(by: less)
                return
            }
        }
    }
}
