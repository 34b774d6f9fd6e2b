/// What the intersection attack learnt about the people in every release.
public struct IntersectionAttackResult: Sendable, Equatable {
    /// People attacked: in every release (or the ids asked for).
    public var targets: Int
    /// Share of targets whose intersection holds one sensitive value: their value is disclosed.
    public var exposed: Double
    /// Share of targets whose intersection is smaller than their smallest single-release candidate
    /// set: the composition taught the attacker something no one release did.
    public var narrowed: Double
    /// Mean size of the intersected candidate sets.
    public var meanCandidates: Double
    /// Share of targets already exposed by one release alone (a homogeneous class: the homogeneity attack).
    public var exposedBySingleRelease: Double
    /// Mean over targets of the smallest single-release candidate set.
    public var meanSingleCandidates: Double
    /// Targets whose true value was among their candidates (all of them, unless the releases disagree).
    public var truthKept: Int
    /// Each target's candidate values (names), in id order.
    public var candidates: [[String]]
    /// The targets' ids, in order.
    public var ids: [Int]
}

/// The intersection attack of Ganta, Kasiviswanathan & Smith ("Composition Attacks and Auxiliary
/// Information in Data Privacy", KDD 2008, §2): releases of overlapping populations are anonymised
/// independently; an attacker who knows a person's quasi-identifiers and that the person is in
/// every release finds the person's equivalence class in each (the one whose published
/// generalisation holds those values) and intersects the classes' sets of sensitive values. The
/// true value is in every set, so it survives; every other value must survive every release.
public enum IntersectionAttack {
    /// Attacks the people in every release (or `targets`, ids that must be in every release).
    public static func run(_ releases: [AnonymizedRelease], targets: [Int]? = nil, fn: String = "intersection") throws -> IntersectionAttackResult {
        guard let first = releases.first else { throw PrivLabError.invalidArgument("\(fn): give at least one release") }
        for r in releases.dropFirst() {
            guard r.quasi == first.quasi else {
                throw PrivLabError.invalidArgument("\(fn): the releases have different quasi-identifiers ({\(first.quasi.joined(separator: ", "))} and {\(r.quasi.joined(separator: ", "))})")
            }
            guard r.sensitive.name == first.sensitive.name else {
                throw PrivLabError.invalidArgument("\(fn): the releases have different sensitive attributes ('\(first.sensitive.name)' and '\(r.sensitive.name)')")
            }
        }
        let positions = releases.map { r in Dictionary(uniqueKeysWithValues: r.table.ids.enumerated().map { ($1, $0) }) }
        let ids: [Int]
        if let t = targets {
            for id in t where positions.contains(where: { $0[id] == nil }) {
                throw PrivLabError.invalidArgument("\(fn): target id \(id) is not in every release")
            }
            ids = t
        } else {
            ids = first.table.ids.filter { id in positions.allSatisfy { $0[id] != nil } }.sorted()
        }
        var result = IntersectionAttackResult(targets: ids.count, exposed: 0, narrowed: 0, meanCandidates: 0, exposedBySingleRelease: 0,
                                              meanSingleCandidates: 0, truthKept: 0, candidates: [], ids: ids)
        for id in ids {
            var common: Set<String>? = nil, smallest = Int.max, truthKept = true
            for (r, release) in releases.enumerated() {
                let row = positions[r][id]!
                guard let c = release.classIndex(of: release.point(row: row)) else {
                    throw PrivLabError.invalidArgument("\(fn): no class of release \(r + 1) holds record \(id)'s quasi-identifiers")
                }
                let values = Set(release.classes[c].sensitiveValues.map { release.sensitive.levels[$0] })
                truthKept = truthKept && values.contains(release.sensitive.levels[release.sensitive.codes[row]])
                smallest = min(smallest, values.count)
                common = common.map { $0.intersection(values) } ?? values
            }
            let n = common!.count
            if n == 1 { result.exposed += 1 }
            if n < smallest { result.narrowed += 1 }
            if smallest == 1 { result.exposedBySingleRelease += 1 }
            if truthKept { result.truthKept += 1 }
            result.meanCandidates += Double(n)
            result.meanSingleCandidates += Double(smallest)
            result.candidates.append(common!.sorted())
        }
        let t = Double(max(1, ids.count))
        result.exposed /= t
        result.narrowed /= t
        result.exposedBySingleRelease /= t
        result.meanCandidates /= t
        result.meanSingleCandidates /= t
        return result
    }
}
