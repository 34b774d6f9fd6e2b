import Foundation
@testable import PrivLab
import XCTest

/// The generated per-user data set: each user's records are windows of one text written with the
/// user's own chain, record counts follow the log-normal, and `personal` sets how far users differ.
final class UserSequencesTests: XCTestCase {
    func options(users: Int = 30, records: Double = 40, spread: Double = 1, personal: Double = 0.5, seed: UInt64 = 3) -> UserSequenceOptions {
        var o = UserSequenceOptions()
        (o.users, o.records, o.spread, o.personal, o.seed) = (users, records, spread, personal, seed)
        return o
    }

    func testRecordsAreOverlappingWindowsOfOneTextPerUser() throws {
        let o = options()
        let c = try UserSequences.generate(o)
        XCTAssertEqual(c.count, o.users)
        XCTAssertEqual(c.data.featureCount, o.context * o.vocabulary)
        XCTAssertEqual(c.data.classes, o.vocabulary)
        for (u, m) in c.members.enumerated() {
            XCTAssertGreaterThanOrEqual(m.count, o.minRecords, "user \(u + 1)")
            for (i, p) in m.enumerated() {
                let row = c.data.features.row(p)
                // One symbol per step, one-hot.
                let steps = (0..<o.context).map { s in (0..<o.vocabulary).filter { row[s * o.vocabulary + $0] == 1 } }
                XCTAssertTrue(steps.allSatisfy { $0.count == 1 })
                XCTAssertEqual(row.reduce(0, +), Float(o.context))
                // The next record's window is this one shifted by one, ending with this record's label.
                if i + 1 < m.count {
                    let next = c.data.features.row(m[i + 1])
                    XCTAssertEqual(Array(row[o.vocabulary...]), Array(next[..<((o.context - 1) * o.vocabulary)]))
                    XCTAssertEqual(next[(o.context - 1) * o.vocabulary + c.data.labels[p]], 1)
                }
            }
        }
    }

    func testSeededAndHeavyTailed() throws {
        let a = try UserSequences.generate(options(users: 2000, records: 30, spread: 1))
        XCTAssertEqual(a.data.labels, try UserSequences.generate(options(users: 2000, records: 30, spread: 1)).data.labels)
        XCTAssertNotEqual(a.data.labels, try UserSequences.generate(options(users: 2000, records: 30, spread: 1, seed: 4)).data.labels)
        let sizes = a.sizes.map(Double.init)
        let mean = sizes.reduce(0, +) / Double(sizes.count)
        // Mean 30 before the floor at 5 raises the smallest users a little.
        XCTAssertEqual(mean, 30, accuracy: 3)
        let sorted = sizes.sorted()
        XCTAssertGreaterThan(sorted[sorted.count * 99 / 100], 4 * sorted[sorted.count / 2], "a heavy tail: the top 1% write over 4× the median")
        let equal = try UserSequences.generate(options(users: 50, records: 30, spread: 0))
        XCTAssertEqual(Set(equal.sizes), [30])
    }

    /// Mean total-variation distance between each user's empirical next-symbol distribution and the
    /// pooled one, averaged over symbols: near 0 for one shared chain, large for personal chains.
    func heterogeneity(_ c: FederatedClients, vocabulary v: Int, context: Int) -> Double {
        func counts(_ rows: [Int]) -> [[Double]] {
            var n = [[Double]](repeating: [Double](repeating: 0, count: v), count: v)
            for p in rows {
                let row = c.data.features.row(p)
                let last = (0..<v).first { row[(context - 1) * v + $0] == 1 }!
                n[last][c.data.labels[p]] += 1
            }
            return n
        }
        let pooled = counts(Array(0..<c.data.size))
        var total = 0.0, terms = 0
        for m in c.members {
            for (a, own) in counts(m).enumerated() {
                let k = own.reduce(0, +), kp = pooled[a].reduce(0, +)
                guard k >= 20 else { continue }
                total += zip(own, pooled[a]).map { abs($0 / k - $1 / kp) }.reduce(0, +) / 2
                terms += 1
            }
        }
        return total / Double(terms)
    }

    func testPersonalSetsHowFarUsersDiffer() throws {
        let shared = try UserSequences.generate(options(users: 20, records: 1500, spread: 0, personal: 0))
        let personal = try UserSequences.generate(options(users: 20, records: 1500, spread: 0, personal: 1))
        let h0 = heterogeneity(shared, vocabulary: 10, context: 5), h1 = heterogeneity(personal, vocabulary: 10, context: 5)
        XCTAssertLessThan(h0, 0.12, "one shared chain: only sampling noise")
        XCTAssertGreaterThan(h1, 0.35, "personal chains: users' habits differ")
    }

    func testBadOptionsAreClearErrors() {
        var o = options()
        o.personal = 1.5
        XCTAssertThrowsError(try UserSequences.generate(o)) { XCTAssertTrue("\($0)".contains("data.users: personal")) }
        o = options(); o.vocabulary = 1
        XCTAssertThrowsError(try UserSequences.generate(o)) { XCTAssertTrue("\($0)".contains("vocabulary")) }
    }
}
