import CZlib
import Foundation
import XCTest
import PrivLab

/// The reference values under Tests/PrivLabTests/Fixtures, found from this file's compile-time
/// path. Loading throws (naming the path) rather than trapping, so a tree moved after building
/// fails the tests that need a fixture and nothing else.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "fixture not found at \(path) (the path is fixed when the tests are compiled: rebuild after moving the tree)" }
    }

    static func data(_ name: String) throws -> Data {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return try Data(contentsOf: url)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(type, from: try data(name))
    }
}

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "privlab-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// SplitMix64's finaliser, as the engine derives a shadow model's (or a defense's inner model's)
/// seed from its attack's seed (`mix64` in Support/ContentHash.swift, internal there): tests that
/// rebuild those models independently derive the seeds the same way.
func splitMix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Writes bytes gzip-compressed.
func writeGzip(_ bytes: [UInt8], to path: String) {
    let gz = gzopen(path, "wb")!
    _ = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
    gzclose(gz)
}

/// Naive triple-loop product in Double: the reference BLAS is checked against.
func naiveProduct(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    let n = a.count, k = b.count, m = b.first?.count ?? 0
    var c = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
    for i in 0..<n { for j in 0..<m { for t in 0..<k { c[i][j] += a[i][t] * b[t][j] } } }
    return c
}

func randomMatrix(_ r: Int, _ c: Int, _ rng: inout RNG) -> Matrix {
    var m = Matrix(rows: r, cols: c)
    for i in 0..<m.data.count { m.data[i] = Float(rng.normal()) }
    return m
}

func toRows(_ m: Matrix) -> [[Double]] { (0..<m.rows).map { m.row($0).map(Double.init) } }

/// Asserts that `body` throws a PrivLabError whose description contains every fragment.
func assertThrows(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected an error containing \(fragments)", file: file, line: line)
    } catch {
        let text = "\(error)"
        for f in fragments where !text.contains(f) {
            XCTFail("error '\(text)' does not contain '\(f)'", file: file, line: line)
        }
    }
}

/// The leaking target the membership tests share: four noisy classes of 30 features split into
/// 200 members, 600 further records (the attacker's or a defense's reference set) and 200
/// non-members, all disjoint; and an MLP trained to memorise its members (loss-attack AUC ≈ 0.75).
enum LeakyPopulation {
    static func split() throws -> (members: Dataset, others: Dataset, nonMembers: Dataset) {
        let all = try Synthetic.blobs(n: 1000, features: 30, classes: 4, std: 5, box: 3, seed: 21)
        let (rest, a) = try all.split(.count(200), stratified: false, seed: 2)
        let (c, b) = try rest.split(.count(200), stratified: false, seed: 3)
        return (a, c, b)
    }

    static func mlp(epochs: Int = 150, seed: UInt64 = 1) throws -> NeuralNetwork {
        var o = TrainingOptions()
        o.optimizer = .adam
        o.learningRate = 3e-3
        o.epochs = epochs
        o.batchSize = 32
        o.seed = seed
        return try NeuralNetwork.mlp(hidden: [64], options: o)
    }
}
