import Foundation

/// DMP's settings.
public struct DMPOptions: Sendable, Codable {
    /// The softmax temperature at which the unprotected model labels the reference set: higher
    /// flattens the soft labels, so they carry less of what the teacher memorised.
    public var temperature = 1.0
    /// The fraction of the reference set kept for distillation: the records whose soft labels have
    /// the lowest entropy (the paper's selection, §4.2), 1 keeps all.
    public var keep = 1.0
    public var seed: UInt64 = 1
    public init() {}
}

/// Distillation for Membership Privacy (Shejwalkar & Houmansadr, "Membership Privacy for Machine
/// Learning Models Through Knowledge Transfer", AAAI 2021 — the seed's "Reconciling Utility and
/// Membership Privacy via Knowledge Distillation"): an unprotected teacher is trained on the
/// private set; it labels a disjoint, unlabelled reference set with its softened outputs; the
/// released model is trained on the reference set only, on those soft labels (the KL divergence of
/// its softmax to the teacher's, which is the cross-entropy `TrainingHooks.softTargets` minimises
/// up to a constant). The released model never sees a private record, and what it learns about
/// them passes through soft labels on other records.
///
/// The student trains at `temperature` too, on the teacher's soft labels at it (the authors'
/// `train_pub`, vrt1shjwlkr/AAAI21-MIA-Defense `purchase/DMP-blackbox-MIA.ipynb`:
/// `kl_div(log_softmax(outputs / t_softmax), softmax(targets / t_softmax))`), and answers at its own.
/// Choice: the low-entropy selection ranks by the entropy of the soft label at `temperature`
/// (the released notebook distils on the whole reference set: `keep = 1`).
public final class DMP: TrainingDefense {
    public let options: DMPOptions
    public let teacherTemplate: Classifier
    /// Unlabelled reference records (their labels are never used).
    public let reference: Dataset
    public private(set) var teacher: Classifier?
    public private(set) var kept = 0

    public init(teacher: Classifier, student: Classifier, reference: Dataset, options: DMPOptions) throws {
        guard options.temperature.isFinite, options.temperature > 0 else {
            throw PrivLabError.invalidArgument(.dmp, "temperature must be positive, got \(formatCompact(options.temperature))")
        }
        guard options.keep > 0, options.keep <= 1 else {
            throw PrivLabError.invalidArgument(.dmp, "keep must be in (0, 1], got \(formatCompact(options.keep))")
        }
        guard reference.size > 0 else { throw PrivLabError.invalidArgument(.dmp, "the reference set is empty") }
        try reference.checkFinite()
        self.options = options
        self.teacherTemplate = teacher
        self.reference = reference
        super.init(release: student)
    }

    public override var summary: String {
        "DMP (T = \(formatCompact(options.temperature)), \(reference.size) reference records) releasing \(releaseTemplate.summary(reseededWith: options.seed))"
    }

    @discardableResult
    public override func fit(_ train: Dataset, validation: Dataset?, observer: TrainingObserver) throws -> [EpochRecord] {
        guard train.featureCount == reference.featureCount else {
            throw PrivLabError.shape("dmp: the reference set has \(reference.featureCount) features, the private set \(train.featureCount)")
        }
        try train.checkFinite()
        try RowLookup(train.features).requireDisjoint(reference.features) { n, o, p in
            "dmp: option 'reference' shares \(n) record\(n == 1 ? "" : "s") with the private set (reference row \(o) = private row \(p)); DMP needs reference records the teacher was not trained on"
        }
        let t = try teacherTemplate.reseededClone(seed: mix64(options.seed))
        try t.fit(train)
        teacher = t
        let soft = try t.predictProba(reference.features, temperature: options.temperature)
        let k = soft.cols
        // Keep the lowest-entropy soft labels (ties by row order).
        var rows = Array(0..<reference.size)
        if options.keep < 1 {
            let entropy: [Double] = (0..<soft.rows).map { r in
                (0..<k).reduce(0.0) { acc, j in let p = Double(soft[r, j]); return p > 0 ? acc - p * log(p) : acc }
            }
            let n = max(1, Int((options.keep * Double(reference.size)).rounded()))
            rows = rows.sorted { entropy[$0] != entropy[$1] ? entropy[$0] < entropy[$1] : $0 < $1 }.prefix(n).sorted()
        }
        kept = rows.count
        var transfer = reference.rows(rows)
        // Labels for the student's own accuracy report: the teacher's hard labels (the reference
        // set's true labels are not the defense's to use).
        transfer.labels = rows.map { soft.row($0).firstMaxIndex! }
        transfer.classes = max(train.classes, k)
        var targets = [Int: [Float]]()
        for (i, r) in rows.enumerated() { targets[transfer.ids[i]] = soft.row(r) }
        let s = try releaseTemplate.reseededClone(seed: mix64(options.seed ^ 0x444D_5021))
        var hooks = TrainingHooks(softTargets: targets)
        hooks.temperature = options.temperature
        let history = try s.requireHooks().fit(transfer, validation: validation, hooks: hooks, observer: observer)
        release = s
        return history
    }

    public override func copy(seed: UInt64?) throws -> TrainingDefense {
        var o = options
        if let seed { o.seed = seed }
        return try DMP(teacher: teacherTemplate, student: releaseTemplate, reference: reference, options: o)
    }

    /// The settings, both templates (their seeds aside: DMP re-seeds them) and the reference records.
    public override var configurationIdentity: String {
        "dmp|\(options.temperature)|\(options.keep)|\(options.seed)|\(Self.templateIdentity(teacherTemplate))|"
            + "\(Self.templateIdentity(releaseTemplate))|\(Self.dataIdentity(reference))"
    }

    public override var defenseReport: DefenseReport? {
        guard let t = teacher else { return nil }
        var e: [(String, DefenseReport.Value)] = [("temperature", .number(options.temperature)), ("reference", .integer(reference.size)),
                                                   ("kept", .integer(kept))]
        if let acc = try? t.accuracy(reference) { e.append(("teacher_reference_accuracy", .number(acc))) }
        return DefenseReport(defense: "dmp", e)
    }
}

// MARK: storage

extension DMP: StorableClassifier {
    public static let storedKind = StoredComponentKind("dmp")

    /// What a model file keeps of DMP: the settings, how many reference records were kept and the
    /// reference records (so copies distil as this one did); the teacher and the released student
    /// are its parts. The file is the curator's, not the release: it holds the unprotected teacher
    /// (the defense report measures it), as the object in memory does.
    struct Stored: Codable {
        var options: DMPOptions
        var kept: Int
        var reference: StoredDataset
    }

    public func storedModel(_ floats: inout [Float]) throws -> StoredModel {
        guard let t = teacher, let s = release, s.isFitted else { throw PrivLabError.invalidArgument("save: the model is not fitted") }
        var own = [Float]()
        let state = Stored(options: options, kept: kept, reference: StoredDataset(reference, floats: &own))
        return .component(try StoredComponent(self, state: state, parts: [try t.requirePersistable("save"), try s.requirePersistable("save")],
                                              own: own, floats: &floats))
    }

    /// A fitted DMP: its templates are untrained copies of the stored teacher and student (DMP
    /// re-seeds both, so a template's own seed is never used).
    public static func restoreClassifier(_ c: StoredComponent, parts: [Classifier], own: [Float], origin: String,
                              components: ComponentRestoring) throws -> Classifier {
        try c.requireParts(parts, 2, origin: origin)
        let s = try c.decodeState(Stored.self, origin: origin)
        var cursor = 0
        let d = try DMP(teacher: try parts[0].cloneUntrained(), student: try parts[1].cloneUntrained(),
                        reference: try s.reference.restore(own, &cursor, origin: origin), options: s.options)
        d.teacher = parts[0]
        d.kept = s.kept
        d.release = parts[1]
        return d
    }
}
