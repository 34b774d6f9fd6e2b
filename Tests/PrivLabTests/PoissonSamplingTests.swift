import Foundation
import PrivLab
import XCTest

/// Poisson sampling is what the DP-SGD accountants assume: each record joins each batch
/// independently with probability q. Statistical tests with stated false-alarm rates (fixed
/// seeds, so a pass is reproducible; the rates say how surprising a failure of correct code is).
final class PoissonSamplingTests: XCTestCase {
    /// Batch sizes follow Binomial(n, q): mean within 4.5 standard errors (false alarm ≈ 7e-6) and
    /// variance within 15% of nq(1 − q) (for 4,000 batches the sample variance's relative standard
    /// error is ≈ 2.2%, so 15% is ≈ 6.7 of them). Every record's inclusion frequency over the
    /// batches is q within 5 standard errors, for all n records at once (union bound over n = 500:
    /// false alarm < 3e-4). Catches a sampler that draws a fixed batch size (shuffle), skips
    /// record 0 or the last record, or uses the wrong geometric parameter.
    func testBatchesAreBinomialAndEveryRecordIsIncludedWithProbabilityQ() {
        let n = 500, q = 0.05, batches = 4000
        var rng = RNG(seed: 42)
        var sizes = [Double](), counts = [Int](repeating: 0, count: n)
        for _ in 0..<batches {
            let b = PoissonSampler.batch(n: n, rate: q, rng: &rng)
            sizes.append(Double(b.count))
            XCTAssertEqual(b, b.sorted(), "batches come in record order")
            XCTAssertEqual(Set(b).count, b.count, "no record twice in a batch")
            for i in b { counts[i] += 1 }
        }
        let mean = sizes.reduce(0, +) / Double(batches)
        let variance = sizes.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(batches - 1)
        let expected = Double(n) * q, expectedVar = Double(n) * q * (1 - q)
        XCTAssertEqual(mean, expected, accuracy: 4.5 * (expectedVar / Double(batches)).squareRoot())
        XCTAssertEqual(variance / expectedVar, 1, accuracy: 0.15)
        let se = (q * (1 - q) / Double(batches)).squareRoot()
        for (i, c) in counts.enumerated() {
            XCTAssertEqual(Double(c) / Double(batches), q, accuracy: 5 * se, "record \(i)")
        }
        // Empty batches happen with probability (1 − q)ⁿ; with n = 40 and q = 0.05 that is 12.9%.
        var small = RNG(seed: 7)
        let emptySmall = (0..<4000).filter { _ in PoissonSampler.batch(n: 40, rate: 0.05, rng: &small).isEmpty }.count
        XCTAssertEqual(Double(emptySmall) / 4000, pow(0.95, 40), accuracy: 4.5 * (0.129 * 0.871 / 4000).squareRoot())
        XCTAssertEqual(PoissonSampler.batch(n: 10, rate: 1, rng: &rng), Array(0..<10), "q = 1 takes everyone")
    }
}
