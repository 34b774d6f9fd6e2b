import Foundation
import XCTest
import PrivLab

/// Wrappers grant a capability exactly when what they wrap has it (issue 27, item 3): white-box
/// access through a pipeline or a release defense only when the model inside is a network, and
/// saving only for models that can be stored — a refusal names the model and writes nothing.
/// (Written as the mutation checks of the capability tests asked for: a pipeline granting
/// white-box access to logistic regression, or `requirePersistable` taking any model, passed the
/// existing tests.)
final class CapabilityGrantTests: XCTestCase {
    func data() throws -> Dataset { try Synthetic.blobs(n: 120, features: 5, classes: 3, std: 2, seed: 6) }

    func testWrappersAreWhiteBoxOnlyWhenTheirModelIs() throws {
        let ds = try data()
        var o = TrainingOptions()
        o.epochs = 2
        let net = try NeuralNetwork.mlp(hidden: [6], options: o)
        let linear = try LogisticRegression(options: .init())
        let wrapped: [(String, Classifier, Bool)] = [
            ("pipeline of a network", Pipeline(scalers: [Scaler(kind: .zscore)], model: net), true),
            ("pipeline of logistic regression", Pipeline(scalers: [Scaler(kind: .zscore)], model: linear), false),
            ("top-1 release of a network", try OutputDefense(try NeuralNetwork.mlp(hidden: [6], options: o), policy: .topK(1)), true),
            ("top-1 release of logistic regression", try OutputDefense(try LogisticRegression(options: .init()), policy: .topK(1)), false),
        ]
        for (what, m, white) in wrapped {
            try m.fit(ds)
            XCTAssertEqual(m.isWhiteBox, white, what)
            XCTAssertEqual(m.whiteBox != nil, white, what)
            if white {
                XCTAssertEqual(try m.requireWhiteBox("test").perRecordGradientNorms(ds).count, ds.size, what)
                XCTAssertNoThrow(try GradientAttack(target: m, signal: .gradnorm), what)
            } else {
                XCTAssertThrowsError(try m.requireWhiteBox("memorisation"), what) {
                    XCTAssertTrue("\($0)".contains("memorisation: ") && "\($0)".contains("gives no white-box access"), "\($0)")
                }
                XCTAssertThrowsError(try GradientAttack(target: m, signal: .gradnorm), what)
            }
        }
    }

    /// Every engine classifier can be saved now; what cannot is a SISA ensemble aggregated by a
    /// Lua function. Neither it nor an attacker's budgeted view of it is written, not even in part.
    func testModelsThatCannotBeStoredAreRefusedAndNothingIsWritten() throws {
        let ds = try data()
        var so = SISAOptions()
        so.shards = 2
        so.slices = 1
        so.seed = 1
        so.workers = 1
        so.aggregation = .custom("mine")
        var o = TrainingOptions()
        o.epochs = 1
        let sisa = try SISAEnsemble(options: so, model: try NeuralNetwork.softmaxRegression(options: o))
        sisa.customAggregator = { outputs, _ in outputs.compactMap { $0 }[0] }
        try sisa.fit(ds)
        let budgeted = try QueryBudgetedClassifier(sisa, budget: 10)
        for (what, m) in [("sisa", LoadedModel.classifier(sisa)), ("budgeted sisa", LoadedModel.predictor(budgeted))] {
            let path = NSTemporaryDirectory() + "/grants-\(UUID().uuidString).plm"
            XCTAssertThrowsError(try ModelFile.save(m, to: path), what) {
                XCTAssertTrue("\($0)".contains("aggregated by 'mine'"), "\(what): \($0)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), what)
        }
    }
}
