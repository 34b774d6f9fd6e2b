/// A k-anonymous release: the source table partitioned into equivalence classes, each published
/// with its generalised quasi-identifiers and its records' sensitive values as they are.
public struct AnonymizedRelease: Sendable {
    /// The population that was anonymised (kept for the measures and for attacks, which take from
    /// it only the targets' quasi-identifiers an attacker is assumed to know).
    public let table: Microdata
    public let quasi: [String]
    let quasiIndex: [Int]
    public let sensitive: SensitiveAttribute
    public let classes: [EquivalenceClass]
    /// The cuts, in the order Mondrian made them.
    public let cuts: [MondrianCut]
    let tree: [MondrianNode]
    public let options: AnonymizationOptions

    init(table: Microdata, quasi: [String], quasiIndex: [Int], sensitive: SensitiveAttribute, classRows: [[Int]],
         cuts: [MondrianCut], tree: [MondrianNode], options: AnonymizationOptions) {
        self.table = table
        self.quasi = quasi
        self.quasiIndex = quasiIndex
        self.sensitive = sensitive
        self.cuts = cuts
        self.tree = tree
        self.options = options
        classes = classRows.map { rows in
            EquivalenceClass(rows: rows, generalisation: quasiIndex.map { Generalisation(table.columns[$0], rows: rows) },
                             sensitiveCounts: sensitive.histogram(rows))
        }
    }

    /// The quasi-identifier values of table row `row` (codes for categories).
    func point(row: Int) -> [Double] { quasiIndex.map { table.columns[$0].ordinal(row) } }

    /// The index of the published class whose generalisation holds the point `x`: the region the
    /// cut tree leads to, confirmed against the published generalisation; nil when none holds it
    /// (a person who is not in this release may fit no class).
    public func classIndex(of x: [Double]) -> Int? {
        let c = MondrianPartitioner.classIndex(of: x, tree: tree)
        if c >= 0 && classes[c].contains(x) { return c }
        return nil
    }

    /// The smallest class's size (≥ k by construction).
    public var smallestClass: Int { classes.map(\.size).min() ?? 0 }
}

/// Information loss of a release.
extension AnonymizedRelease {
    /// The discernibility metric (Bayardo & Agrawal, ICDE 2005): Σ over classes of |E|² (no record
    /// is suppressed here, so no |D|·|E| terms).
    public var discernibility: Double { classes.reduce(0) { $0 + Double($1.size) * Double($1.size) } }

    /// Normalised average class size (LeFevre et al. 2006, §5): (records / classes) / k.
    public var averageClassSize: Double { Double(table.size) / Double(max(1, classes.count)) / Double(options.k) }

    /// The normalised certainty penalty of each class, averaged over the quasi-identifiers.
    public var classNCP: [Double] {
        let widths = quasiIndex.map { i -> Double in
            let c = table.columns[i]
            if c.isNumeric {
                let v = (0..<table.size).map { c.ordinal($0) }
                return (v.max() ?? 0) - (v.min() ?? 0)
            }
            return Double(Set((0..<table.size).map { c.ordinal($0) }).count)
        }
        return classes.map { e in zip(e.generalisation, widths).reduce(0) { $0 + $1.0.ncp(tableWidth: $1.1) } / Double(quasi.count) }
    }

    /// The release's NCP in [0, 1]: every record carries its class's penalty, averaged over records
    /// and quasi-identifiers (the global certainty penalty of Ghinita, Karras, Kalnis & Mamoulis, VLDB 2007, §2).
    public var ncp: Double {
        zip(classes, classNCP).reduce(0) { $0 + Double($1.0.size) * $1.1 } / Double(max(1, table.size))
    }
}

/// ℓ-diversity and t-closeness of a release, class by class.
extension AnonymizedRelease {
    /// Each class's distinct ℓ.
    public var distinctL: [Int] { classes.map { Diversity.distinct($0.sensitiveCounts) } }
    /// Each class's entropy ℓ.
    public var entropyL: [Double] { classes.map { Diversity.entropyL($0.sensitiveCounts) } }
    /// Each class's EMD to the table's distribution of the sensitive attribute (`distance`: the
    /// release's, when nil).
    public func closeness(distance: SensitiveDistance? = nil) -> [Double] {
        classes.map { Closeness.emd($0.sensitiveCounts, sensitive.overall, distance: distance ?? sensitive.distance) }
    }
}
