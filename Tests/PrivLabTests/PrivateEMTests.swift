import Foundation
import XCTest
@testable import PrivLab

/// 3A's Approximate step as a DP Gaussian mixture (`PrivateEM`, DP-EM of Park et al. 2017): plain
/// EM when the noise vanishes (against scikit-learn), and ClustMix's privacy with it.
final class PrivateEMTests: XCTestCase {
    struct Reference: Decodable { var x: [[Float]]; var weights: [Double]; var means: [[Double]]; var variances: [[Double]]; var max_norm: Double }

    /// With σ = 1e-9 DP-EM is EM: the same weights, means and variances as scikit-learn's
    /// `GaussianMixture(covariance_type="diag")` on three clusters of 300, 200 and 100 points
    /// (Fixtures/make_private_em_reference.py). Catches responsibilities not normalised, moments
    /// not divided by the component's mass, variances without the squared mean removed, and
    /// weights from hard counts.
    func testNegligibleNoiseIsSciKitLearnsEM() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/private_em_reference.json")
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let em = PrivateEM(k: 3, iterations: 200, kmeansIterations: 10, noise: 1e-9, clip: ref.max_norm + 1, seed: 1, floor: 1e-9)
        let fit = try em.fit(ref.x, dimension: 4)
        let order = (0..<3).sorted { fit.means[$0][0] < fit.means[$1][0] }
        for (i, c) in order.enumerated() {
            XCTAssertEqual(fit.weights[c], ref.weights[i], accuracy: 1e-4, "weight \(i)")
            for j in 0..<4 {
                XCTAssertEqual(fit.means[c][j], ref.means[i][j], accuracy: 1e-4, "mean \(i), \(j)")
                XCTAssertEqual(fit.variances[c][j], ref.variances[i][j], accuracy: 1e-4 * ref.variances[i][j] + 1e-6, "variance \(i), \(j)")
            }
        }
        XCTAssertEqual(fit.sizes.map { $0.rounded() }.sorted(), [100, 200, 300], "final sizes: one nearly noiseless count per component")
        XCTAssertEqual(em.steps, 10 + 2 + 200 + 1)
    }

    /// ClustMix with the mixture as its Approximate step: the clustering costs DP k-means' steps,
    /// the EM iterations and the final count, all at one noise multiplier, and the calibrated
    /// total meets the target ε. Neighbourhoods differ from k-means' (a different release).
    func testClustMixWithTheMixturePaysForEveryStep() throws {
        var d = try Synthetic.blobs(n: 1200, features: 6, classes: 3, std: 1, box: 4, seed: 3)
        d.name = "blobs"
        var c = ClustMix.Options()
        c.mixing.m = 8
        c.mixing.clip = 8
        c.mixing.epsilon = 2
        c.clusters = 3
        c.approximation = .gmm
        c.emIterations = 4
        let g = try ClustMix.release(d, options: c)
        XCTAssertEqual(g.privacy.phases.first, PrivacyPhase(sampleRate: 1, noise: g.privacy.phases[0].noise, steps: 5 + 2 + 4 + 1),
                       "DP k-means start (5 updates + 2), 4 EM iterations, 1 final count")
        XCTAssertLessThanOrEqual(g.privacy.epsilon, 2 + 1e-9)
        XCTAssertGreaterThan(g.privacy.epsilon, 1.98)
        XCTAssertEqual(g.data.size, 1200)
        c.approximation = .kmeans
        let k = try ClustMix.release(d, options: c)
        XCTAssertEqual(k.privacy.phases.first?.steps, 7)
        XCTAssertNotEqual(k.data.features, g.data.features)
        c.emIterations = 0
        c.approximation = .gmm
        XCTAssertThrowsError(try ClustMix.release(d, options: c))
    }
}
