/// Safe, readable file names for per-provider outputs.
enum FileNames {
    /// A lower-case slug of `name`: Swedish letters folded (å, ä → a; ö → o), anything but letters and digits
    /// turned into `-`; "provider" when nothing is left.
    static func slug(_ name: String) -> String {
        var out = ""
        var lastWasDash = false
        for scalar in name.lowercased().unicodeScalars {
            var mapped: Unicode.Scalar? = scalar
            switch scalar {
            case "å", "ä", "à", "á", "â": mapped = "a"
            case "ö", "ø", "ó", "ô": mapped = "o"
            case "é", "è", "ê", "ë": mapped = "e"
            case "ü", "ú": mapped = "u"
            default: break
            }
            if let m = mapped, m.isASCII, m.properties.isAlphabetic || ("0"..."9").contains(m) {
                out.unicodeScalars.append(m)
                lastWasDash = false
            } else if !lastWasDash && !out.isEmpty {
                out.append("-")
                lastWasDash = true
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "provider" : String(out.prefix(80))
    }

    /// Slugs for every name, made unique by a numeric suffix in order of the input.
    static func uniqueSlugs(_ names: [String]) -> [String] {
        var used: Set<String> = []
        return names.map { name in
            let base = slug(name)
            var candidate = base
            var n = 2
            while used.contains(candidate) {
                candidate = "\(base)-\(n)"
                n += 1
            }
            used.insert(candidate)
            return candidate
        }
    }
}
