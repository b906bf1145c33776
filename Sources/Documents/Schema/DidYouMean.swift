/// Suggests the closest known name for a misspelled one ("p95ms" → "p95Ms").
public enum DidYouMean {
    /// The best candidate within an edit distance of 2 (or equal ignoring case), if any.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if let caseOnly = candidates.first(where: { $0.lowercased() == lowered }) {
            return caseOnly
        }
        if lowered.count >= 3 {
            let extensions = candidates.filter { $0.lowercased().hasPrefix(lowered) }
            if extensions.count == 1 { return extensions[0] }
        }
        let limit = word.count <= 3 ? 1 : 2
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(lowered, candidate.lowercased())
            if d <= limit, d < (best?.distance ?? .max) {
                best = (candidate, d)
            }
        }
        return best?.name
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// " — did you mean 'x'?" or "".
    public static func hint(for word: String, among candidates: [String]) -> String {
        suggestion(for: word, among: candidates).map { " — did you mean '\($0)'?" } ?? ""
    }
}
