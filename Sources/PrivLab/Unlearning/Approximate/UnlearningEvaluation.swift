import Foundation

/// One evaluation for every unlearning method, exact or approximate, on the same forget / retain /
/// test split: accuracy on each set, the wall-clock time of the unlearning, SalUn's MIA-efficacy
/// (`MIAEfficacy`) and per-example U-LiRA (`ULiRA`) — the population-level attack and the
/// per-example one side by side, so that a method that looks forgotten to the first and not to the
/// second shows it (Hayes et al. 2024, §5).
///
/// U-LiRA's shadows are trained once per distinct original model (all network methods share them;
/// SISA's ensemble has its own) on random halves of a pool: the population (by default the retain
/// set) with the forget set and an equally large never-seen set drawn from the test set.
public struct UnlearningEvaluation {
    /// One method to evaluate and the trained model it unlearns from.
    public struct Entry {
        public var method: UnlearningMethod
        public var original: Classifier
        public init(method: UnlearningMethod, original: Classifier) {
            self.method = method
            self.original = original
        }
    }

    public struct Options {
        /// Shadow models for U-LiRA (0: no U-LiRA).
        public var shadows = 8
        public var globalVariance = true
        public var seed: UInt64 = 1
        public var workers = 2
        /// The attacker's records besides the candidates (nil: the retain set).
        public var population: Dataset? = nil
        public var evaluation = EvaluationOptions()
        /// Hears (what, done, total) as shadows train and unlearn.
        public var progress: ((String, Int, Int) -> Void)? = nil
        public init() {}
    }

    /// One method's measurements.
    public struct Row {
        public var method: String
        public var model: Classifier
        public var forgetAccuracy: Double
        public var retainAccuracy: Double
        public var testAccuracy: Double
        /// Wall-clock seconds of unlearning the target.
        public var seconds: Double
        public var miaEfficacy: Double
        public var ulira: MembershipEvaluation?
    }

    public let rows: [Row]
    /// The never-seen records U-LiRA's non-members are (ids from the test set); empty without U-LiRA.
    public let neverSeenIds: [Int]

    public init(entries: [Entry], forget: Dataset, retain: Dataset, test: Dataset, options o: Options) throws {
        guard !entries.isEmpty else { throw PrivLabError.invalidArgument("unlearn.evaluate: no methods given") }
        try UnlearningInputs.check("unlearn.evaluate", features: forget.featureCount, forget: forget, retain: retain)
        guard test.size > 0, test.featureCount == forget.featureCount else {
            throw PrivLabError.invalidArgument("unlearn.evaluate: the test set must be non-empty with the forget set's \(forget.featureCount) features")
        }
        if let clash = Set(test.ids).intersection(forget.ids + retain.ids).min() {
            throw PrivLabError.invalidArgument("unlearn.evaluate: record id \(clash) is in the test set and in the training data (give test records their own ids)")
        }
        guard o.shadows == 0 || o.shadows >= 2 else { throw PrivLabError.invalidArgument("unlearn.evaluate: shadows must be 0 (no U-LiRA) or at least 2") }
        var neverSeen: Dataset? = nil
        var pool: Dataset? = nil
        if o.shadows > 0 {
            guard test.size >= forget.size else {
                throw PrivLabError.invalidArgument("unlearn.evaluate: U-LiRA draws \(forget.size) never-seen records from the test set, which has \(test.size)")
            }
            var rng = RNG.stream(seed: o.seed, index: 31)
            let n = test.rows(try rng.sample(test.size, forget.size).sorted())
            neverSeen = n
            pool = try ReferenceModels.onlinePool(o.population ?? retain, candidates: try forget.concatenated(n))
        }
        var references = [ObjectIdentifier: ReferenceModels]()
        var rows = [Row]()
        for (k, e) in entries.enumerated() {
            let methodSeed = mix64(o.seed &+ UInt64(k + 1) &* 0x5851_F42D)
            let start = DispatchTime.now().uptimeNanoseconds
            let model = try e.method.unlearn(e.original, forget: forget, retain: retain, seed: methodSeed)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var row = Row(method: e.method.name, model: model, forgetAccuracy: try model.accuracy(forget),
                          retainAccuracy: try model.accuracy(retain), testAccuracy: try model.accuracy(test), seconds: seconds,
                          miaEfficacy: try MIAEfficacy.measure(model, forget: forget, retain: retain, test: test), ulira: nil)
            if let pool, let neverSeen {
                let key = ObjectIdentifier(e.original)
                if references[key] == nil {
                    let p = o.progress
                    references[key] = try ReferenceModels(template: e.original, pool: pool, count: o.shadows, seed: o.seed, workers: o.workers,
                                                          progress: p.map { f in { f("U-LiRA shadows", $0, $1) } })
                }
                o.progress?("U-LiRA \(e.method.name)", 0, 1)
                var lo = ULiRA.Options()
                (lo.globalVariance, lo.seed, lo.workers) = (o.globalVariance, methodSeed, o.workers)
                let attack = try ULiRA(target: model, method: e.method, references: references[key]!, options: lo)
                row.ulira = try attack.evaluate(members: forget, nonMembers: neverSeen, options: o.evaluation)
                o.progress?("U-LiRA \(e.method.name)", 1, 1)
            }
            rows.append(row)
        }
        self.rows = rows
        neverSeenIds = neverSeen?.ids ?? []
    }
}
