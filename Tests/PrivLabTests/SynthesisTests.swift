import Foundation
import XCTest
import PrivLab

/// Random mixing and ClustMix: the privacy statement is what the accountant says for the stated
/// phases and meets its target, the mechanism is unbiased for the means it mixes, the release is
/// reproducible for any worker count, and ClustMix keeps more of the data's usefulness than random
/// mixing at the same ε (the 3A paper's claim).
final class SynthesisTests: XCTestCase {
    func data(n: Int = 1200, seed: UInt64 = 3) throws -> Dataset {
        try Synthetic.blobs(n: n, features: 8, classes: 4, std: 1.5, box: 3, seed: seed)
    }

    func testReportedEpsilonIsTheAccountantsAndMeetsTheTarget() throws {
        let d = try data()
        // Calibration under PLD is exercised by the privacy tests; here RDP calibrates, and each
        // accountant must report exactly what it computes for the stated phases.
        for accountant in AccountantKind.allCases {
            var m = MixingOptions()
            m.m = 8
            m.clip = 10
            m.epsilon = 2
            m.accountant = .rdp
            var r = try RandomMixing.release(d, options: m)
            if accountant != .rdp {
                m.accountant = accountant
                m.noise = r.privacy.noise
                m.epsilon = nil
                r = try RandomMixing.release(d, options: m)
            }
            XCTAssertEqual(r.privacy.epsilon, try accountant.make().epsilon(r.privacy.phases, delta: m.delta), accuracy: 1e-12)
            XCTAssertLessThanOrEqual(r.privacy.epsilon, 2 + 1e-9, "\(accountant)")
            XCTAssertGreaterThan(r.privacy.epsilon, accountant == .rdp ? 1.98 : 1.5, "\(accountant): calibrated, not merely below")
            XCTAssertEqual(r.privacy.phases, [PrivacyPhase(sampleRate: 8.0 / 1200, noise: r.privacy.noise, steps: 1200)])
            guard accountant == .rdp else { continue }
            var c = ClustMix.Options()
            c.mixing = m
            c.clusters = 3
            let cm = try ClustMix.release(d, options: c)
            XCTAssertEqual(cm.privacy.epsilon, try accountant.make().epsilon(cm.privacy.phases, delta: m.delta), accuracy: 1e-12)
            XCTAssertLessThanOrEqual(cm.privacy.epsilon, 2 + 1e-9)
            XCTAssertGreaterThan(cm.privacy.epsilon, 1.98)
            XCTAssertEqual(cm.privacy.phases.first, PrivacyPhase(sampleRate: 1, noise: cm.privacy.phases[0].noise, steps: 7), "DP k-means: 5 updates + 2")
        }
    }

    /// With negligible noise, an output's expectation is the mean of what it mixes: the release's
    /// mean is the data's (random mixing) and each class's outputs average to that class's mean (ClustMix).
    func testMixingIsUnbiasedForTheMeansItMixes() throws {
        let d = try data()
        var m = MixingOptions()
        m.m = 10
        m.clip = 100
        m.noise = 1e-6
        m.outputs = 20000
        let rm = try RandomMixing.release(d, options: m).data
        func mean(_ x: Dataset, _ j: Int, label: Int? = nil) -> Double {
            let rows = x.labels.indices.filter { label == nil || x.labels[$0] == label }
            return rows.reduce(0.0) { $0 + Double(x.features[$1, j]) } / Double(rows.count)
        }
        for j in 0..<3 { XCTAssertEqual(mean(rm, j), mean(d, j), accuracy: 0.05) }
        var c = ClustMix.Options()
        c.mixing = m
        c.clusters = 2
        c.clusterNoise = 1e-6
        let cm = try ClustMix.release(d, options: c).data
        for label in 0..<4 {
            for j in 0..<3 { XCTAssertEqual(mean(cm, j, label: label), mean(d, j, label: label), accuracy: 0.1, "class \(label)") }
        }
        XCTAssertEqual(Set(cm.labels), [0, 1, 2, 3])
    }

    func testReleasesAreReproducibleForAnyWorkerCount() throws {
        let d = try data()
        var c = ClustMix.Options()
        c.mixing.epsilon = 3
        c.mixing.clip = 10
        c.mixing.workers = 1
        let one = try ClustMix.release(d, options: c).data
        c.mixing.workers = 2
        let two = try ClustMix.release(d, options: c).data
        XCTAssertEqual(one.features, two.features)
        XCTAssertEqual(one.labels, two.labels)
        c.mixing.seed = 2
        XCTAssertNotEqual(try ClustMix.release(d, options: c).data.features, one.features)
    }

    /// The seed document's claim, on data where it should hold: at the same ε, a classifier trained
    /// on ClustMix's release predicts real test records better than one trained on random mixing's
    /// (with few clusters per class: many small clusters need high sampling rates, hence more noise).
    func testClustMixBeatsRandomMixingAtEqualEpsilon() throws {
        let all = try data(n: 2400)
        let (train, test) = try all.split(.fraction(0.25), stratified: true, seed: 1)
        var better = 0
        for seed: UInt64 in 1...3 {
            var m = MixingOptions()
            m.m = 8
            m.clip = 10
            m.epsilon = 2
            m.seed = seed
            var c = ClustMix.Options()
            c.mixing = m
            c.clusters = 2
            func accuracy(_ release: Dataset) throws -> Double {
                let model = try LogisticRegression(options: .init())
                try model.fit(release)
                return try model.accuracy(test)
            }
            if try accuracy(ClustMix.release(train, options: c).data) > accuracy(RandomMixing.release(train, options: m).data) { better += 1 }
        }
        XCTAssertEqual(better, 3)
    }

    /// The distance-to-closest-record attack finds the records of a "release" that copies them, and
    /// not those of an independent sample; MMD tells a sample of the same distribution from a shifted one.
    func testClosestRecordAttackAndMMD() throws {
        let d = try data()
        let (a, b) = try d.split(.fraction(0.5), stratified: false, seed: 2)
        XCTAssertEqual(try Fidelity.closestRecordAttack(release: a, members: a, nonMembers: b).auc, 1, accuracy: 1e-12)
        let other = try data(seed: 9)
        XCTAssertEqual(try Fidelity.closestRecordAttack(release: other, members: a, nonMembers: b).auc, 0.5, accuracy: 0.06)
        var shifted = b
        shifted.features.data = shifted.features.data.map { $0 + 1 }
        let same = try Fidelity.mmd(a, b).mmd2, moved = try Fidelity.mmd(a, shifted).mmd2
        XCTAssertLessThan(abs(same), 0.01)
        XCTAssertGreaterThan(moved, 10 * max(abs(same), 1e-4))
    }

    /// The DP Gaussian-mixture baseline: its ε is the accountant's for its unsampled steps and meets
    /// the target; with negligible noise its samples have each class's mean and spread.
    func testPrivateGaussianMixtureBaseline() throws {
        let d = try data()
        for covariance in PrivateGaussianMixture.Covariance.allCases {
            var o = PrivateGaussianMixture.Options()
            o.covariance = covariance
            o.clip = 100
            o.noise = 1e-6
            o.outputs = 8000
            o.components = 2
            let r = try PrivateGaussianMixture.release(d, options: o)
            XCTAssertEqual(r.privacy.phases, [PrivacyPhase(sampleRate: 1, noise: 1e-6, steps: 8)])
            for label in 0..<4 {
                let real = d.labels.indices.filter { d.labels[$0] == label }, fake = r.data.labels.indices.filter { r.data.labels[$0] == label }
                for j in 0..<2 {
                    func moments(_ x: Dataset, _ rows: [Int]) -> (Double, Double) {
                        let v = rows.map { Double(x.features[$0, j]) }
                        let m = v.reduce(0, +) / Double(v.count)
                        return (m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot())
                    }
                    let (rm, rs) = moments(d, real), (fm, fs) = moments(r.data, fake)
                    XCTAssertEqual(fm, rm, accuracy: 0.15, "\(covariance) class \(label) mean")
                    XCTAssertEqual(fs, rs, accuracy: 0.15 * rs, "\(covariance) class \(label) spread")
                }
            }
        }
        var o = PrivateGaussianMixture.Options()
        o.epsilon = 1.5
        o.clip = 10
        let r = try PrivateGaussianMixture.release(d, options: o)
        XCTAssertEqual(r.privacy.epsilon, try AccountantKind.rdp.make().epsilon(r.privacy.phases, delta: o.delta), accuracy: 1e-12)
        XCTAssertLessThanOrEqual(r.privacy.epsilon, 1.5 + 1e-9)
        XCTAssertGreaterThan(r.privacy.epsilon, 1.49)
    }

    func testBadInputIsAClearError() throws {
        let d = try data(n: 100)
        func message(_ f: () throws -> Void) -> String { do { try f(); return "" } catch { return "\(error)" } }
        var m = MixingOptions()
        m.m = 500
        m.epsilon = 1
        XCTAssertTrue(message { _ = try RandomMixing.release(d, options: m) }.contains("m = 500 exceeds the 100 records"))
        m.m = 5
        m.epsilon = -1
        XCTAssertTrue(message { _ = try RandomMixing.release(d, options: m) }.contains("epsilon must be positive"))
        m.epsilon = 1
        m.noise = 1
        XCTAssertTrue(message { _ = try RandomMixing.release(d, options: m) }.contains("exactly one of noise"))
        m.epsilon = nil
        var c = ClustMix.Options()
        c.mixing = m
        XCTAssertTrue(message { _ = try ClustMix.release(d, options: c) }.contains("give cluster_noise too"))
        c.mixing.m = 60
        c.clusterNoise = 1
        XCTAssertTrue(message { _ = try ClustMix.release(d, options: c) }.contains("below m = 60"))
    }
}

/// KIP adaptation: its per-record gradient is the loss's (finite differences), its privacy is the
/// release's phases composed with its own DP-SGD steps, and without noise it makes the support set
/// fit the data better.
final class KernelInducingPointsTests: XCTestCase {
    func testPerRecordGradientMatchesFiniteDifferences() throws {
        var rng = RNG(seed: 4)
        let s = DoubleMatrix(rows: 6, cols: 3, data: (0..<18).map { _ in rng.normal() })
        let labels = [0, 1, 2, 0, 1, 2]
        let x = [0.3, -0.2, 0.5]
        let fit = try KernelInducingPoints.Fit(support: s, labels: labels, classes: 3, g: 0.4, ridge: 1e-2)
        let grad = fit.gradient(x, label: 1)
        let h = 1e-6
        var worst = 0.0
        for i in s.data.indices {
            var plus = s, minus = s
            plus.data[i] += h
            minus.data[i] -= h
            let fp = try KernelInducingPoints.Fit(support: plus, labels: labels, classes: 3, g: 0.4, ridge: 1e-2).loss(x, label: 1)
            let fm = try KernelInducingPoints.Fit(support: minus, labels: labels, classes: 3, g: 0.4, ridge: 1e-2).loss(x, label: 1)
            worst = max(worst, abs((fp - fm) / (2 * h) - grad.data[i]))
        }
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertGreaterThan(grad.data.map(abs).max()!, 1e-3, "a gradient worth checking")
    }

    func testAdaptationComposesPrivacyAndImprovesTheFit() throws {
        let d = try Synthetic.blobs(n: 600, features: 5, classes: 3, std: 2, box: 2, seed: 8)
        var m = MixingOptions()
        m.epsilon = 3
        m.clip = 8
        m.m = 10
        let release = try RandomMixing.release(d, options: m)
        var o = KernelInducingPoints.Options()
        o.support = 30
        o.steps = 40
        o.batch = 100
        o.bandwidth = 2
        let adapted = try KernelInducingPoints.adapt(release: release, privateData: d, options: o)
        XCTAssertEqual(adapted.privacy.phases, release.privacy.phases + [PrivacyPhase(sampleRate: 100.0 / 600, noise: 1, steps: 40)])
        XCTAssertEqual(adapted.privacy.epsilon, try AccountantKind.rdp.make().epsilon(adapted.privacy.phases, delta: m.delta), accuracy: 1e-12)
        XCTAssertGreaterThan(adapted.privacy.epsilon, release.privacy.epsilon)
        XCTAssertEqual(adapted.data.size, 30)
        // Without noise (not private), the steps lower the mean KIP loss on the data.
        o.noise = 0
        o.steps = 60
        let clean = try KernelInducingPoints.adapt(release: release, privateData: d, options: o)
        XCTAssertEqual(clean.privacy.epsilon, .infinity)
        func meanLoss(_ support: Dataset) throws -> Double {
            let s = DoubleMatrix(support.features)
            let fit = try KernelInducingPoints.Fit(support: s, labels: support.labels, classes: 3, g: 1 / (2 * 2 * 2), ridge: 1e-3)
            let x = DoubleMatrix(d.features)
            return (0..<d.size).reduce(0.0) { $0 + fit.loss(x.row($1), label: d.labels[$1]) } / Double(d.size)
        }
        o.steps = 1
        o.learningRate = 1e-12
        let unmoved = try KernelInducingPoints.adapt(release: release, privateData: d, options: o)
        XCTAssertLessThan(try meanLoss(clean.data), try meanLoss(unmoved.data))
    }

    /// 3A with Adapt releases KIP's support points only, so its ClustMix release makes exactly
    /// `support` outputs (every one becomes a support point) and spends its share of ε on them —
    /// not on a full-size release mostly discarded, whose outputs would carry more noise.
    func testClustMixWithAdaptSpendsItsReleaseOnTheSupportPoints() throws {
        let d = try Synthetic.blobs(n: 600, features: 5, classes: 3, std: 2, box: 2, seed: 8)
        var c = ClustMix.Options()
        c.mixing.epsilon = 3
        c.mixing.clip = 8
        c.mixing.m = 10
        c.clusters = 2
        var a = KernelInducingPoints.Options()
        a.support = 30
        a.steps = 2
        a.batch = 100
        a.bandwidth = 2
        c.adapt = a
        let adapted = try ClustMix.release(d, options: c)
        XCTAssertEqual(adapted.data.size, 30)
        // The release inside: the same options without Adapt at (1 − share)·ε and `support` outputs.
        var base = c
        base.adapt = nil
        base.mixing.epsilon = 3 * (1 - c.adaptShare)
        base.mixing.outputs = 30
        let small = try ClustMix.release(d, options: base)
        XCTAssertEqual(small.data.size, 30)
        XCTAssertTrue(adapted.privacy.notes.joined().contains("30 outputs from"), adapted.privacy.notes.joined())
        base.mixing.outputs = nil
        let full = try ClustMix.release(d, options: base)
        XCTAssertEqual(full.data.size, 600)
        XCTAssertNotEqual(full.privacy.phases, small.privacy.phases, "a full-size release would spend the share differently")
        // The same seed gives the same release, another seed another one.
        XCTAssertEqual(try ClustMix.release(d, options: c).data.features.data, adapted.data.features.data)
        c.mixing.seed = 2
        let other = try ClustMix.release(d, options: c)
        XCTAssertNotEqual(other.data.features.data, adapted.data.features.data)
        // An explicit size is kept.
        c.mixing.outputs = 90
        XCTAssertEqual(try ClustMix.release(d, options: c).data.size, 30)
    }
}
