import Foundation
import XCTest
import PrivLab

/// `Dataset.relabelled`: the same records (features, ids, order) under new labels — how the
/// reproductions label Purchase-like records by k-means clusters, as Shokri et al. 2017 and
/// Bourtoule et al. 2021 label Purchase.
final class DatasetRelabelTests: XCTestCase {
    func testRecordsKeepTheirFeaturesAndIdsUnderNewLabels() throws {
        let d = try Synthetic.blobs(n: 30, features: 4, classes: 3, seed: 2)
        let labels = (0..<d.size).map { ($0 * 7) % 5 }
        let r = try d.relabelled(labels)
        XCTAssertEqual(r.labels, labels)
        XCTAssertEqual(r.classes, 5, "the largest label + 1")
        XCTAssertEqual(r.ids, d.ids)
        XCTAssertEqual(r.features.data, d.features.data)
        XCTAssertNil(r.classNames)
        XCTAssertEqual(try d.relabelled(labels, classes: 8).classes, 8)
        XCTAssertEqual(r.classCounts, [6, 6, 6, 6, 6])
        assertThrows(["29 labels for 30 records"]) { _ = try d.relabelled(Array(labels.dropLast())) }
        assertThrows(["label 4 is outside 0..<3"]) { _ = try d.relabelled(labels, classes: 3) }
        assertThrows(["label -1"]) { _ = try d.relabelled([-1] + Array(labels.dropFirst())) }
    }
}
