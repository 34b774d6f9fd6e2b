import Foundation
import XCTest
import PrivLab

/// PATE's privacy analysis against the paper's own code (tensorflow/privacy
/// `research/pate_2018/core.py`; Fixtures/make_pate_reference.py made Fixtures/pate_reference.json):
/// the per-query bounds (q of GNMax and LNMax, Theorem 6, the pure-ε moment bound, the threshold
/// step) at every order of the paper's list, and whole runs of 300 queries composed to (ε, δ).
final class PATEAnalysisTests: XCTestCase {
    struct Curve: Decodable { var sigma: Double?; var scale: Double?; var threshold: Double?; var logq: Double?; var log_pr_answered: Double?; var rdp: [Double] }
    struct Single: Decodable { var votes: [Double]; var gaussian: [Curve]; var laplace: [Curve]; var threshold: [Curve] }
    struct Aggregator: Decodable { var kind: String; var sigma: Double?; var scale: Double?; var threshold: Double?; var sigma1: Double? }
    struct Run: Decodable {
        var name: String; var aggregator: Aggregator; var delta: Double; var votes: [[Double]]; var answered: [Bool]
        var data_dependent_epsilon: Double; var data_dependent_order: Double
        var data_independent_epsilon: Double; var data_independent_order: Double
    }
    struct Reference: Decodable { var orders: [Double]; var single: [Single]; var runs: [Run] }

    static let loaded = Result { try Fixture.decode(Reference.self, "pate_reference.json") }
    /// The fixture, or the error that loading it raised: a missing or unreadable file fails the
    /// tests that read it instead of crashing the whole bundle.
    static var reference: Reference { get throws { try loaded.get() } }

    func rel(_ a: Double, _ b: Double) -> Double { a == b ? 0 : abs(a - b) / max(abs(b), 1e-12) }

    func testOrdersAreThePapers() throws {
        XCTAssertEqual(PATEAnalysis.orders.count, try Self.reference.orders.count)
        for (a, b) in zip(PATEAnalysis.orders, try Self.reference.orders) { XCTAssertLessThan(rel(a, b), 1e-12) }
    }

    /// Catches a wrong union bound (Prop. 7), a wrong case of Theorem 6 (μ₁, μ₂ or its validity
    /// conditions), the pure-ε bound's branches, and the threshold's √2: each curve is compared at
    /// all 297 orders.
    func testPerQueryBoundsMatchThePapersCode() throws {
        let orders = try Self.reference.orders
        var compared = 0
        for s in try Self.reference.single {
            for g in s.gaussian {
                let logq = PATEAnalysis.logqGaussian(s.votes, sigma: g.sigma!)
                XCTAssertLessThan(rel(logq, g.logq!), 1e-9, "logq GNMax \(s.votes) σ=\(g.sigma!)")
                for (a, r) in zip(orders, g.rdp) {
                    XCTAssertLessThan(rel(PATEAnalysis.rdpGaussian(logq: g.logq!, sigma: g.sigma!, order: a), r), 1e-9, "GNMax \(s.votes) σ=\(g.sigma!) α=\(a)")
                    compared += 1
                }
            }
            for l in s.laplace {
                let logq = PATEAnalysis.logqLaplace(s.votes, scale: l.scale!)
                XCTAssertLessThan(rel(logq, l.logq!), 1e-9, "logq LNMax \(s.votes) λ=\(l.scale!)")
                for (a, r) in zip(orders, l.rdp) {
                    XCTAssertLessThan(rel(PATEAnalysis.rdpPureEpsilon(logq: l.logq!, epsilon: 2 / l.scale!, order: a), r), 1e-9, "LNMax \(s.votes) λ=\(l.scale!) α=\(a)")
                    compared += 1
                }
            }
            for t in s.threshold {
                let lp = PATEAnalysis.logPrAnswered(threshold: t.threshold!, sigma: t.sigma!, votes: s.votes)
                XCTAssertLessThan(rel(lp, t.log_pr_answered!), 1e-9, "Pr[answered] \(s.votes) T=\(t.threshold!)")
                for (a, r) in zip(orders, t.rdp) {
                    XCTAssertLessThan(rel(PATEAnalysis.rdpThreshold(logPrAnswered: t.log_pr_answered!, sigma: t.sigma!, order: a), r), 1e-9, "threshold \(s.votes) α=\(a)")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 5 * 7 * orders.count)
    }

    /// Whole runs: both bounds, their orders, and that the data-dependent one is the smaller (the
    /// point of the 2018 analysis). Catches composition over the wrong queries (unanswered queries
    /// paying GNMax, or not paying the threshold) and a wrong conversion to (ε, δ).
    func testRunsMatchThePapersCode() throws {
        for run in try Self.reference.runs {
            let a = run.aggregator
            let agg: PATEAggregator
            switch a.kind {
            case "gaussian": agg = .gaussian(sigma: a.sigma!)
            case "laplace": agg = .laplace(scale: a.scale!)
            default: agg = .confident(threshold: a.threshold!, thresholdSigma: a.sigma1!, sigma: a.sigma!)
            }
            let queries = zip(run.votes, run.answered).map { PATEQuery(votes: $0, answered: $1) }
            let p = try PATEAnalysis.privacy(queries, aggregator: agg, delta: run.delta)
            XCTAssertLessThan(rel(p.dataDependentEpsilon, run.data_dependent_epsilon), 1e-9, run.name)
            XCTAssertLessThan(rel(p.dataIndependentEpsilon, run.data_independent_epsilon), 1e-9, run.name)
            XCTAssertLessThan(rel(p.dataDependentOrder, run.data_dependent_order), 1e-12, run.name)
            XCTAssertLessThan(rel(p.dataIndependentOrder, run.data_independent_order), 1e-12, run.name)
            XCTAssertLessThan(p.dataDependentEpsilon, p.dataIndependentEpsilon, run.name)
            XCTAssertEqual(p.answered, run.answered.filter { $0 }.count)
        }
    }

    /// Bad input is an error naming what is wrong, not a NaN.
    func testBadInput() {
        let q = [PATEQuery(votes: [3, 1], answered: true)]
        XCTAssertThrowsError(try PATEAnalysis.privacy(q, aggregator: .gaussian(sigma: 0), delta: 1e-5))
        XCTAssertThrowsError(try PATEAnalysis.privacy(q, aggregator: .gaussian(sigma: 1), delta: 0))
        XCTAssertThrowsError(try PATEAnalysis.privacy([PATEQuery(votes: [3, .nan], answered: true)], aggregator: .gaussian(sigma: 1), delta: 1e-5))
        XCTAssertThrowsError(try PATEAnalysis.privacy(q + [PATEQuery(votes: [1, 1, 1], answered: true)], aggregator: .gaussian(sigma: 1), delta: 1e-5))
        XCTAssertThrowsError(try PATEAnalysis.privacy([PATEQuery(votes: [3, 1], answered: false)], aggregator: .gaussian(sigma: 1), delta: 1e-5))
    }
}
