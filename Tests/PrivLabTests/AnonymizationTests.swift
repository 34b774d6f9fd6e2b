import Foundation
import XCTest
import PrivLab

/// Mondrian, ℓ-diversity, t-closeness, information loss and the composition attacks on hand-checkable
/// tables (LeFevre et al. 2006; Machanavajjhala et al. 2007; Li et al. 2007; Ganta et al. 2008).
final class AnonymizationTests: XCTestCase {
    /// Eight people: age, a ZIP-like code, sex, and a diagnosis.
    static func eight() throws -> Microdata {
        try Microdata(names: ["age", "zip", "sex", "disease"],
                      columns: [.numeric(values: [21, 23, 25, 27, 41, 43, 45, 47], domain: nil),
                                .numeric(values: [100, 102, 101, 103, 100, 101, 103, 102], domain: nil),
                                .categorical(codes: [0, 1, 0, 1, 1, 1, 0, 0], levels: ["F", "M"]),
                                .categorical(codes: [0, 0, 1, 0, 2, 2, 0, 1], levels: ["flu", "cancer", "hiv"])])
    }

    static func options(_ k: Int, quasi: [String] = ["age", "zip", "sex"]) -> AnonymizationOptions {
        var o = AnonymizationOptions(quasi: quasi, sensitive: "disease")
        o.k = k
        return o
    }

    static func ids(_ r: AnonymizedRelease) -> [[Int]] { r.classes.map { $0.rows.map { r.table.ids[$0] } } }

    /// k = 2: age is cut first (widest, ties kept in order) at its lower median 27, then each half
    /// at the zip's lower median 101; by hand: {1,3} {2,4} {5,6} {7,8}.
    func testMondrianCutsAtMediansAndEveryClassHasK() throws {
        let r = try Self.options(2).anonymize(try Self.eight())
        XCTAssertEqual(Self.ids(r), [[1, 3], [2, 4], [5, 6], [7, 8]])
        XCTAssertEqual(r.cuts.map(\.dimension), ["age", "zip", "zip"])
        XCTAssertEqual(r.cuts.map(\.value), [27, 101, 101])
        XCTAssertTrue(r.classes.allSatisfy { $0.size >= 2 })
        XCTAssertEqual(r.classes.flatMap(\.rows).sorted(), Array(0..<8), "the classes cover the data once")
        XCTAssertEqual(r.classes[0].generalisation.map(\.text), ["[21, 25]", "[100, 101]", "F"])
        XCTAssertEqual(r.classes[1].generalisation.map(\.text), ["[23, 27]", "[102, 103]", "M"])
        // Discernibility Σ|E|² = 4·2²; NCP by hand: ages 4/26, 4/26, 2/26, 2/26, zips 1/3 each, sex 0.
        XCTAssertEqual(r.discernibility, 16)
        XCTAssertEqual(r.ncp, (12.0 / 26 + 4.0 / 3) / 12, accuracy: 1e-12)
        let k3 = try Self.options(3).anonymize(try Self.eight())
        XCTAssertEqual(Self.ids(k3), [[1, 2, 3, 4], [5, 6, 7, 8]])
        XCTAssertEqual(k3.discernibility, 32)
        // Ages [21, 27] and [41, 47]: 6/26 each; zips [100, 103]: 1; sex {F, M}: 2/2 = 1.
        XCTAssertEqual(k3.ncp, (6.0 / 26 + 1 + 1) / 3, accuracy: 1e-12)
        XCTAssertEqual(try Self.options(8).anonymize(try Self.eight()).classes.count, 1)
    }

    /// A value set for a category: the cut along sex's levels when it is the only quasi-identifier.
    func testCategoricalCutsMakeValueSets() throws {
        let r = try Self.options(2, quasi: ["sex"]).anonymize(try Self.eight())
        XCTAssertEqual(Self.ids(r), [[1, 3, 7, 8], [2, 4, 5, 6]])
        XCTAssertEqual(r.classes.map { $0.generalisation[0].text }, ["F", "M"])
        let all = try Self.options(5, quasi: ["sex"]).anonymize(try Self.eight())
        XCTAssertEqual(all.classes[0].generalisation[0].text, "{F, M}")
    }

    /// With three equal values above the lower median the cut moves below the tie block.
    func testTiedUpperHalfCutsBelowTheTies() throws {
        let t = try Microdata(names: ["a", "s"], columns: [.numeric(values: [1, 2, 5, 5, 5, 5], domain: nil),
                                                           .categorical(codes: [0, 1, 0, 1, 0, 1], levels: ["x", "y"])])
        var o = AnonymizationOptions(quasi: ["a"], sensitive: "s")
        o.k = 2
        let r = try o.anonymize(t)
        XCTAssertEqual(r.cuts.first?.value, 2)
        XCTAssertEqual(Self.ids(r), [[1, 2], [3, 4, 5, 6]])
    }

    func testDiversityAndClosenessEnforced() throws {
        let k2 = try Self.options(2).anonymize(try Self.eight())
        XCTAssertEqual(k2.distinctL, [2, 1, 1, 2], "classes {2,4} and {5,6} are homogeneous")
        var o = Self.options(2)
        o.l = 2
        let l2 = try o.anonymize(try Self.eight())
        XCTAssertEqual(Self.ids(l2), [[1, 2, 3, 4], [5, 6, 7, 8]])
        XCTAssertTrue(l2.distinctL.allSatisfy { $0 >= 2 })
        o.l = 4
        XCTAssertThrowsError(try o.anonymize(try Self.eight())) { e in
            XCTAssertTrue("\(e)".contains("whole table has 3 distinct values"), "\(e)")
        }
        var t = Self.options(2)
        t.t = 0.3
        let closeT = try t.anonymize(try Self.eight())
        XCTAssertTrue(closeT.closeness().allSatisfy { $0 <= 0.3 + 1e-12 })
        XCTAssertTrue(k2.closeness().contains { $0 > 0.3 }, "the constraint bites")
    }

    func testEntropyL() {
        XCTAssertEqual(Diversity.entropyL([2, 1, 1]), pow(2, 1.5), accuracy: 1e-12)
        XCTAssertEqual(Diversity.entropyL([5, 0, 0]), 1, accuracy: 1e-12)
        XCTAssertEqual(Diversity.entropyL([3, 3, 3]), 3, accuracy: 1e-12)
        XCTAssertEqual(Diversity.distinct([2, 0, 1]), 2)
    }

    /// Li, Li & Venkatasubramanian 2007, Table 3 and §4.2: salaries 3K … 11K; the class {3K, 4K, 5K}
    /// is at EMD 0.375 from the whole table, {6K, 8K, 11K} at 0.167 (ordered distance).
    func testClosenessReproducesThePapersSalaryExample() throws {
        let salary: [Double] = [3, 4, 5, 6, 11, 8, 7, 9, 10]
        let disease = [0, 1, 2, 1, 3, 4, 4, 5, 2]
        let t = try Microdata(names: ["salary", "disease"],
                              columns: [.numeric(values: salary, domain: nil),
                                        .categorical(codes: disease, levels: ["gastric ulcer", "gastritis", "stomach cancer", "flu", "bronchitis", "pneumonia"])])
        let s = try SensitiveAttribute(t, column: "salary", distance: nil)
        XCTAssertEqual(s.levels, ["3", "4", "5", "6", "7", "8", "9", "10", "11"], "numeric order, not text order")
        XCTAssertEqual(Closeness.emd(s.histogram([0, 1, 2]), s.overall, distance: .ordered), 0.375, accuracy: 1e-12)
        XCTAssertEqual(Closeness.emd(s.histogram([3, 4, 5]), s.overall, distance: .ordered), 1.0 / 6, accuracy: 1e-12)
        // Equal distance on the diseases: ½Σ|p − q| = ½(2/9 + 1/9 + 1/9 + 1/9 + 2/9 + 1/9) = 4/9.
        let d = try SensitiveAttribute(t, column: "disease", distance: nil)
        XCTAssertEqual(d.distance, .equal)
        XCTAssertEqual(Closeness.emd(d.histogram([0, 1, 2]), d.overall, distance: .equal), 4.0 / 9, accuracy: 1e-12)
    }

    /// Two releases by hand: person 1 is {flu, cancer} in A and {flu, hiv} in B → exposed by the
    /// intersection alone; person 4 is already exposed by A's homogeneous class.
    func testIntersectionAttackOnAHandMadePair() throws {
        let a = try Self.options(2).anonymize(try Self.eight())
        let bTable = try Microdata(names: ["age", "zip", "sex", "disease"],
                                   columns: [.numeric(values: [21, 27, 22, 28], domain: nil), .numeric(values: [100, 103, 100, 103], domain: nil),
                                             .categorical(codes: [0, 1, 0, 1], levels: ["F", "M"]),
                                             .categorical(codes: [0, 0, 2, 0], levels: ["flu", "cancer", "hiv"])], ids: [1, 4, 9, 10])
        let b = try Self.options(2).anonymize(bTable)
        XCTAssertEqual(Self.ids(b), [[1, 9], [4, 10]])
        let single = try IntersectionAttack.run([a])
        XCTAssertEqual(single.targets, 8)
        XCTAssertEqual(single.exposed, 4.0 / 8, "the two homogeneous classes")
        XCTAssertEqual(single.narrowed, 0)
        let r = try IntersectionAttack.run([a, b])
        XCTAssertEqual(r.ids, [1, 4])
        XCTAssertEqual(r.candidates, [["flu"], ["flu"]])
        XCTAssertEqual(r.exposed, 1)
        XCTAssertEqual(r.narrowed, 0.5)
        XCTAssertEqual(r.exposedBySingleRelease, 0.5)
        XCTAssertEqual(r.meanCandidates, 1)
        XCTAssertEqual(r.meanSingleCandidates, 1.5)
        XCTAssertEqual(r.truthKept, 2)
        XCTAssertThrowsError(try IntersectionAttack.run([a, b], targets: [2]))
    }

    /// The same attack at scale: the truth always survives, and composing releases never widens.
    func testIntersectionOnCensusReleases() throws {
        var g = CensusGenerator()
        g.size = 3000
        let census = try g.generate()
        let quasi = ["age", "region", "sex", "education"]
        var o = AnonymizationOptions(quasi: quasi, sensitive: "diagnosis")
        o.k = 10
        let a = try o.anonymize(try census.sample(2000, seed: 1))
        let b = try o.anonymize(try census.sample(2000, seed: 2))
        XCTAssertGreaterThanOrEqual(a.smallestClass, 10)
        let one = try IntersectionAttack.run([a]), two = try IntersectionAttack.run([a, b])
        XCTAssertEqual(two.truthKept, two.targets)
        XCTAssertGreaterThan(two.targets, 1000)
        XCTAssertGreaterThanOrEqual(two.exposed, one.exposed)
        XCTAssertGreaterThan(two.narrowed, 0.3, "composition teaches what no single release did")
        XCTAssertLessThan(two.meanCandidates, two.meanSingleCandidates)
        XCTAssertEqual(one.narrowed, 0)
        XCTAssertEqual(one.meanCandidates, one.meanSingleCandidates)
    }

    func testErrorsNameTheProblem() throws {
        let t = try Self.eight()
        func message(_ o: AnonymizationOptions) -> String {
            do { _ = try o.anonymize(t, fn: "k_anonymity"); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message(Self.options(2, quasi: ["age", "postcode"])).contains("'postcode' is not a column"))
        XCTAssertTrue(message(Self.options(9)).contains("k = 9 is larger than the data (8 records)"))
        XCTAssertTrue(message(Self.options(0)).contains("k must be at least 1"))
        XCTAssertTrue(message(Self.options(2, quasi: ["age", "disease"])).contains("also a quasi-identifier"))
    }

    func testCensusIsSeededAndPlausible() throws {
        var g = CensusGenerator()
        g.size = 5000
        let a = try g.generate(), b = try g.generate()
        XCTAssertEqual(a, b)
        g.seed = 2
        XCTAssertNotEqual(try g.generate(), a)
        guard case .numeric(let age, _) = a.columns[0], case .categorical(let sex, _) = a.columns[2],
              case .numeric(let income, _) = a.columns[7] else { return XCTFail("column types") }
        XCTAssertTrue(age.allSatisfy { $0 >= 17 && $0 <= 90 })
        XCTAssertEqual(Double(sex.reduce(0, +)) / 5000, 0.49, accuracy: 0.03)
        let meanAge = age.reduce(0, +) / 5000
        XCTAssertEqual(meanAge, 46, accuracy: 4)
        XCTAssertTrue(income.allSatisfy { $0 >= 0 && $0 <= 250 })
    }

    // MARK: DP releases

    func dpReleases(_ mechanism: DPHistogramMechanism, epsilon: Double? = nil, noise: Double? = nil, count: Int) throws -> [DPHistogramRelease] {
        var g = CensusGenerator()
        g.size = 3000
        let census = try g.generate()
        var o = DPHistogramOptions(quasi: ["age", "sex"], sensitive: "diagnosis")
        o.mechanism = mechanism
        o.epsilon = epsilon
        o.noise = noise
        return try (1...count).map { i in
            o.seed = UInt64(i)
            return try o.release(try census.sample(2000, seed: UInt64(i)))
        }
    }

    /// The composed ε of three releases is the accountants': Σε for Laplace, and the RDP
    /// accountant's over the same events (and over phases, a separate code path) for Gaussian.
    func testDPReleaseCompositionEqualsTheAccountants() throws {
        let lap = try dpReleases(.laplace, epsilon: 0.5, count: 3)
        XCTAssertEqual(lap[0].scale, 2)
        XCTAssertEqual(lap[0].cellCount, 5 * 2)
        let rdp = try RDPAccountant()
        let r = try DPReleaseAttack.run(lap, accountant: rdp, delta: 1e-5, seed: 1)
        XCTAssertEqual(r.privacy.epsilon, 1.5, accuracy: 1e-12)
        XCTAssertEqual(r.privacy.delta, 0)
        XCTAssertEqual(r.replacement.epsilon, 3, accuracy: 1e-12)
        XCTAssertEqual(r.privacyRDP!.epsilon, try rdp.epsilon(.selfComposed(event: .laplace(scale: 2, sensitivity: 1), count: 3), delta: 1e-5), accuracy: 1e-12)
        XCTAssertEqual(r.bound, exp(3) / (exp(3) + 9), accuracy: 1e-12)
        let gau = try dpReleases(.gaussian, noise: 4, count: 3)
        let g = try DPReleaseAttack.run(gau, accountant: rdp, delta: 1e-5, seed: 1)
        XCTAssertEqual(g.privacy.epsilon, try rdp.epsilon([PrivacyPhase(sampleRate: 1, noise: 4, steps: 3)], delta: 1e-5), accuracy: 1e-12)
        XCTAssertEqual(g.replacement.epsilon, try rdp.epsilon([PrivacyPhase(sampleRate: 1, noise: 4 / 2.squareRoot(), steps: 3)], delta: 1e-5), accuracy: 1e-12)
        let pld = try PLDAccountant()
        XCTAssertEqual(try DPReleaseAttack.run(gau, accountant: pld, delta: 1e-5, seed: 1).privacy.epsilon,
                       try pld.epsilon([PrivacyPhase(sampleRate: 1, noise: 4, steps: 3)], delta: 1e-5), accuracy: 1e-12)
    }

    /// The informed attacker stays under DP's ceiling, and is strong when the noise is small.
    func testDPAttackStaysUnderTheBound() throws {
        for (mech, noise) in [(DPHistogramMechanism.laplace, 2.0), (.gaussian, 1.5)] {
            let rel = try dpReleases(mech, noise: noise, count: 3)
            let r = try DPReleaseAttack.run(rel, accountant: try RDPAccountant(), delta: 1e-5, seed: 1, trials: 200)
            XCTAssertGreaterThan(r.targets, 300)
            // Three standard errors of slack; the targets of a cell share its noise, so count one
            // sample per cell and trial.
            let se = (r.bound * (1 - r.bound) / Double(rel[0].cellCount * r.trials)).squareRoot()
            XCTAssertLessThanOrEqual(r.accuracy, r.bound + 3 * se, "\(mech)")
            XCTAssertGreaterThan(r.accuracy, r.baseline, "\(mech): the noisy counts do leak")
        }
        let weak = try DPReleaseAttack.run(try dpReleases(.laplace, noise: 0.05, count: 2), accountant: try RDPAccountant(), delta: 1e-5, seed: 1, trials: 5)
        XCTAssertGreaterThan(weak.accuracy, 0.99, "almost no noise: the attack recovers the value")
        // The expected accuracy of the optimal guess (one Laplace release, b = 2, m = 10) is ≈ 0.164
        // by simulation (2·10⁵ draws in NumPy): the estimate over many draws must come close.
        let one = try DPReleaseAttack.run(Array(try dpReleases(.laplace, noise: 2, count: 1)), accountant: try RDPAccountant(), delta: 1e-5, seed: 1, trials: 400)
        XCTAssertEqual(one.accuracy, 0.164, accuracy: 0.015)
    }

    func testDPReleaseErrors() throws {
        let t = try Self.eight()
        var o = DPHistogramOptions(quasi: ["age"], sensitive: "disease")
        o.epsilon = 1
        XCTAssertThrowsError(try o.release(t)) { XCTAssertTrue("\($0)".contains("no public domain"), "\($0)") }
        o.bins = ["age": [20, 30, 50]]
        XCTAssertEqual(try o.release(t).cellCount, 2)
        o.noise = 1
        XCTAssertThrowsError(try o.release(t)) { XCTAssertTrue("\($0)".contains("exactly one of epsilon and noise"), "\($0)") }
        o.noise = nil
        o.sensitive = "zip"
        XCTAssertThrowsError(try o.release(t)) { XCTAssertTrue("\($0)".contains("must be categorical"), "\($0)") }
    }

    // MARK: reference

    struct MondrianReference: Decodable {
        struct Case: Decodable { let k: Int; let l: Int; let classes: [[Int]] }
        let generator: String
        let age: [Double], zip: [Double], income: [Double]
        let disease: [Int]
        let cases: [Case]
    }

    /// The same partitions as the public anonypy package's Mondrian where both make the same
    /// choices (make_mondrian_reference.py: numeric quasi-identifiers with distinct values, k and
    /// distinct ℓ).
    func testPartitionsMatchAnonypy() throws {
        let ref = try Fixture.decode(MondrianReference.self, "mondrian_reference.json")
        let t = try Microdata(names: ["age", "zip", "income", "disease"],
                              columns: [.numeric(values: ref.age, domain: nil), .numeric(values: ref.zip, domain: nil),
                                        .numeric(values: ref.income, domain: nil),
                                        .categorical(codes: ref.disease, levels: (0..<6).map { "d\($0)" })])
        XCTAssertEqual(ref.cases.count, 7)
        for c in ref.cases {
            var o = AnonymizationOptions(quasi: ["age", "zip", "income"], sensitive: "disease")
            o.k = c.k
            if c.l > 0 { o.l = Double(c.l) }
            let mine = Self.ids(try o.anonymize(t)).map { $0.sorted() }.sorted { $0.lexicographicallyPrecedes($1) }
            XCTAssertEqual(mine, c.classes, "k = \(c.k), ℓ = \(c.l) (\(ref.generator))")
        }
    }
}
