import XCTest
import PrivLab

final class RNGTests: XCTestCase {
    func testSameSeedSameStreamDifferentSeedDifferentStream() {
        var a = RNG(seed: 42), b = RNG(seed: 42), c = RNG(seed: 43)
        let sa = (0..<100).map { _ in a.next() }
        XCTAssertEqual(sa, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(sa, (0..<100).map { _ in c.next() })
    }

    func testKnownFirstOutputsPinTheAlgorithm() {
        // xoshiro256** seeded by SplitMix64(0): pinned so an accidental change of algorithm (which
        // would silently change every seeded result in every notebook) fails here.
        // Values from an independent Python implementation of the reference C code.
        var r = RNG(seed: 0)
        XCTAssertEqual((0..<3).map { _ in r.next() }, [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0])
        var r42 = RNG(seed: 42)
        XCTAssertEqual((0..<2).map { _ in r42.next() }, [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E])
    }

    func testUniformAndNormalMoments() {
        var r = RNG(seed: 5)
        let n = 200_000
        var s = 0.0, s2 = 0.0, u = 0.0
        for _ in 0..<n {
            let x = r.normal()
            s += x
            s2 += x * x
            let v = r.uniform()
            XCTAssert(v >= 0 && v < 1)
            u += v
        }
        XCTAssertEqual(s / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.01)
        XCTAssertEqual(u / Double(n), 0.5, accuracy: 0.005)
    }

    func testIntBelowIsUnbiased() {
        var r = RNG(seed: 11)
        var counts = [Int](repeating: 0, count: 7)
        let n = 70_000
        for _ in 0..<n { counts[r.int(below: 7)] += 1 }
        // Chi-square with 6 degrees of freedom; 22.46 is the 0.999 quantile.
        let e = Double(n) / 7
        let chi = counts.reduce(0.0) { $0 + pow(Double($1) - e, 2) / e }
        XCTAssertLessThan(chi, 22.46)
    }

    func testBernoulliPermutationSampleCategorical() throws {
        var r = RNG(seed: 2)
        let ones = (0..<50_000).filter { _ in r.bernoulli(0.3) }.count
        XCTAssertEqual(Double(ones) / 50_000, 0.3, accuracy: 0.01)
        let p = r.permutation(1000)
        XCTAssertEqual(p.sorted(), Array(0..<1000))
        XCTAssertNotEqual(p, Array(0..<1000))
        for (n, k) in [(10, 10), (1000, 3), (50, 20), (5, 0)] {
            let s = try r.sample(n, k)
            XCTAssertEqual(s.count, k)
            XCTAssertEqual(Set(s).count, k)
            XCTAssert(s.allSatisfy { $0 >= 0 && $0 < n })
        }
        assertThrows(["cannot sample 11 of 10"]) { _ = try r.sample(10, 11) }
        var hits = [0, 0, 0]
        for _ in 0..<30_000 { hits[r.categorical([1, 0, 2])] += 1 }
        XCTAssertEqual(hits[1], 0)
        XCTAssertEqual(Double(hits[2]) / Double(hits[0]), 2, accuracy: 0.1)
    }

    func testSplitStreamsAreIndependentAndReproducible() {
        var a = RNG(seed: 9)
        var c1 = a.split(), c2 = a.split()
        let x1 = (0..<50).map { _ in c1.next() }, x2 = (0..<50).map { _ in c2.next() }
        XCTAssertNotEqual(x1, x2)
        var b = RNG(seed: 9)
        var d1 = b.split()
        XCTAssertEqual(x1, (0..<50).map { _ in d1.next() })
        var s1 = RNG.stream(seed: 4, index: 3), s2 = RNG.stream(seed: 4, index: 3), s3 = RNG.stream(seed: 4, index: 2)
        XCTAssertEqual(s1.next(), s2.next())
        XCTAssertNotEqual(s1.next(), s3.next())
    }
}
