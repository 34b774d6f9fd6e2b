import Foundation
import XCTest
import CZlib
import PrivLab

final class PipelineAndModelFileTests: XCTestCase {
    func testPipelineEqualsScalingByHand() throws {
        let ds = try Synthetic.blobs(n: 300, features: 4, classes: 3, std: 3, box: 50, seed: 1)
        var o = TrainingOptions()
        o.epochs = 5
        let pipe = Pipeline(scalers: [Scaler(kind: .zscore)], model: try NeuralNetwork.mlp(hidden: [8], options: o))
        try pipe.fit(ds)
        var s = Scaler(kind: .zscore)
        try s.fit(ds.features)
        let byHand = try NeuralNetwork.mlp(hidden: [8], options: o)
        try byHand.fit(try s.transform(ds))
        XCTAssertEqual(try pipe.logits(ds.features), try byHand.logits(try s.transform(ds.features)))
        XCTAssertEqual(try pipe.accuracy(ds), try byHand.accuracy(try s.transform(ds)))
        XCTAssertFalse(try pipe.cloneUntrained().isFitted)
    }

    func roundTrip(_ m: LoadedModel) throws -> LoadedModel {
        let path = try temporaryDirectory() + "/m.plm"
        try ModelFile.save(m, to: path)
        return try ModelFile.load(path: path)
    }

    func testNetworksAndPipelinesRoundTripExactly() throws {
        let img = try bars(n: 60, seed: 1)
        var o = TrainingOptions()
        o.epochs = 2
        o.validationSplit = 0.2
        let models: [(Classifier, Dataset)] = [
            (try NeuralNetwork.softmaxRegression(options: o), img),
            (try NeuralNetwork.mlp(hidden: [6, 5], activation: .tanh, dropout: 0.1, options: o), img),
            (try NeuralNetwork.cnn(channels: [2], hidden: [4], options: o), img),
            (Pipeline(scalers: [Scaler(kind: .minmax), Scaler(kind: .zscore)], model: try NeuralNetwork.mlp(hidden: [3], options: o)), img),
        ]
        for (m, ds) in models {
            try m.fit(ds)
            guard case .classifier(let back) = try roundTrip(.classifier(m)) else { return XCTFail("not a classifier") }
            XCTAssertEqual(try back.logits(ds.features), try m.logits(ds.features), m.summary)
            XCTAssertEqual(back.history, m.history)
            XCTAssertEqual(back.summary, m.summary)
            XCTAssertEqual(back.parameterCount, m.parameterCount)
        }
        XCTAssertThrowsError(try ModelFile.save(.classifier(try NeuralNetwork.mlp(hidden: [2], options: o)), to: try temporaryDirectory() + "/x")) {
            XCTAssertTrue("\($0)".contains("not fitted"))
        }
    }

    func testClusteringModelsRoundTrip() throws {
        let x = try gaussians([[0, 0], [4, 4]], std: 0.5, perCluster: 50, seed: 2)
        var go = GaussianMixture.Options()
        go.components = 2
        let g = try GaussianMixture(options: go)
        try g.fit(x)
        guard case .gmm(let g2) = try roundTrip(.gmm(g)) else { return XCTFail() }
        XCTAssertEqual(try g2.scoreSamples(x), try g.scoreSamples(x))
        var ko = KMeans.Options()
        ko.k = 2
        let k = try KMeans(options: ko)
        try k.fit(x)
        guard case .kmeans(let k2) = try roundTrip(.kmeans(k)) else { return XCTFail() }
        XCTAssertEqual(k2.centers, k.centers)
        XCTAssertEqual(k2.inertia, k.inertia)
    }

    func testCorruptTruncatedAndForeignFilesAreClearErrors() throws {
        let ds = try Synthetic.blobs(n: 30, features: 2, classes: 2, seed: 1)
        let m = try NeuralNetwork.softmaxRegression(options: TrainingOptions())
        try m.fit(ds)
        let dir = try temporaryDirectory()
        try ModelFile.save(.classifier(m), to: "\(dir)/m.plm")
        var bytes = [UInt8](FileManager.default.contents(atPath: "\(dir)/m.plm")!)
        let good = bytes
        bytes[bytes.count - 10] ^= 0x40
        FileManager.default.createFile(atPath: "\(dir)/flip.plm", contents: Data(bytes))
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/flip.plm")) { XCTAssertTrue("\($0)".contains("checksum mismatch"), "\($0)") }
        FileManager.default.createFile(atPath: "\(dir)/cut.plm", contents: Data(good.prefix(good.count / 2)))
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/cut.plm")) { XCTAssertTrue("\($0)".contains("cut.plm@"), "\($0)") }
        FileManager.default.createFile(atPath: "\(dir)/csv.plm", contents: Data("x,label\n1,0\n".utf8))
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/csv.plm")) { XCTAssertTrue("\($0)".contains("not a PrivLab model file")) }
        var v2 = good
        v2[8] = 9
        FileManager.default.createFile(atPath: "\(dir)/v9.plm", contents: Data(v2))
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/v9.plm")) { XCTAssertTrue("\($0)".contains("version 9"), "\($0)") }
        XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/missing.plm")) { XCTAssertTrue("\($0)".contains("cannot read")) }
        // A crafted file: a parameter count no file can hold (2⁶⁴ − 1, and one whose byte size
        // overflows), under a valid checksum — an error, not a trap converting it to Int.
        for declared in [UInt64.max, UInt64(1) << 62] {
            var crafted = good
            let hlen = Int(crafted[12]) | Int(crafted[13]) << 8 | Int(crafted[14]) << 16 | Int(crafted[15]) << 24
            for i in 0..<8 { crafted[16 + hlen + i] = UInt8(truncatingIfNeeded: declared >> (8 * UInt64(i))) }
            let crc = crafted.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count - 4))) }
            for i in 0..<4 { crafted[crafted.count - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
            FileManager.default.createFile(atPath: "\(dir)/crafted.plm", contents: Data(crafted))
            XCTAssertThrowsError(try ModelFile.load(path: "\(dir)/crafted.plm")) {
                XCTAssertTrue("\($0)".contains("parameter block has the wrong size (\(declared) parameters declared)"), "\($0)")
            }
        }
    }
}
