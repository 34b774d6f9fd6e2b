import Foundation
import XCTest
import PrivLab

/// `MembershipLeakage.leaveOneOut`: the KL leakage of Gaussian output perturbation for any model,
/// from seeded leave-one-out refits. Recomputed here by hand from the models' parameter vectors:
/// catches a refit that keeps the record (shift 0), a shift measured against the wrong model, and
/// KL or attack figures not the closed forms of the measured shifts.
final class LeaveOneOutLeakageTests: XCTestCase {
    func network(hidden: [Int]) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.learningRate = 0.5
        o.epochs = 60
        o.batchSize = 1000   // full batch: the run depends on the data alone
        o.l2 = 1e-3
        o.seed = 3
        return try NeuralNetwork.mlp(hidden: hidden, options: o)
    }

    func testShiftsKLAndAttackFiguresMatchARecomputation() throws {
        let data = try Synthetic.blobs(n: 40, features: 3, classes: 2, std: 1.5, box: 2, seed: 9)
        let ids = [data.ids[4], data.ids[17], data.ids[31]]
        let sigma = 0.2
        let model = try network(hidden: [4])
        let r = try MembershipLeakage.leaveOneOut(model: model, data: data, recordIDs: ids, sigma: sigma)
        let full = try model.cloneUntrained()
        try full.fit(data)
        let theta = try full.requireParameters().parameterVector()
        XCTAssertEqual(r.parameters, theta.count)
        XCTAssertEqual(r.parameters, 3 * 4 + 4 + 4 * 2 + 2)
        var kls = [Double](), optimal = [Double]()
        for (k, id) in ids.enumerated() {
            let m = try model.cloneUntrained()
            try m.fit(data.rows((0..<data.size).filter { data.ids[$0] != id }))
            let shift = zip(theta, try m.requireParameters().parameterVector()).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
            XCTAssertGreaterThan(shift, 0, "leaving record \(id) out changes the model")
            XCTAssertEqual(r.shifts[k], shift, accuracy: 1e-9 * max(1, shift), "record \(id)")
            kls.append(shift * shift / (2 * sigma * sigma))
            optimal.append(0.5 * erfc(-shift / (2 * sigma) / 2.squareRoot()))
        }
        XCTAssertEqual(r.meanKL, kls.reduce(0, +) / 3, accuracy: 1e-9)
        XCTAssertEqual(r.maxKL, kls.max()!, accuracy: 1e-9)
        XCTAssertEqual(r.optimalSuccess, optimal.reduce(0, +) / 3, accuracy: 1e-12)
        XCTAssertEqual(r.sensitivity, r.shifts.max()!)
        XCTAssertGreaterThanOrEqual(r.successBound, r.optimalSuccess - 1e-12, "the KL bound holds for the optimal test")
        // Twice the noise, a quarter of the KL (the shifts do not depend on σ).
        let r2 = try MembershipLeakage.leaveOneOut(model: model, data: data, recordIDs: ids, sigma: 2 * sigma)
        XCTAssertEqual(r2.meanKL, r.meanKL / 4, accuracy: 1e-9)
    }

    func testBadInputIsRefusedWithAReason() throws {
        let data = try Synthetic.blobs(n: 20, features: 2, classes: 2, seed: 1)
        let model = try network(hidden: [2])
        assertThrows(["sigma must be positive"]) { _ = try MembershipLeakage.leaveOneOut(model: model, data: data, recordIDs: [data.ids[0]], sigma: 0) }
        assertThrows(["no record with id"]) { _ = try MembershipLeakage.leaveOneOut(model: model, data: data, recordIDs: [123_456], sigma: 1) }
        assertThrows(["repeated"]) { _ = try MembershipLeakage.leaveOneOut(model: model, data: data, recordIDs: [data.ids[0], data.ids[0]], sigma: 1) }
        assertThrows(["no record to measure"]) { _ = try MembershipLeakage.leaveOneOut(model: model, data: data, recordIDs: [], sigma: 1) }
    }
}
