/// Sorting for elements that are mostly in order already, as the rows of one user or one staff member in an
/// export listed by time are.
enum NearlySorted {
    /// Sorts `elements` by `less`: by insertion (linear on elements in order but for a few) and, when that would
    /// take long, by `sort`.
    static func sort<Element>(_ elements: inout [Element], by less: (Element, Element) -> Bool) {
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
