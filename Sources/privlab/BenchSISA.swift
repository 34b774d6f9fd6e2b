import ArgumentParser
import Foundation
import PrivLab

/// `privlab bench sisa`: SISA unlearning against retraining from scratch on Fashion-MNIST
/// (Bourtoule et al. 2021, §V): measured seconds and samples next to the analytic expectation.
struct BenchSISA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sisa",
        abstract: "SISA (MLP 784-256-10 on the 60,000 training images): one-record unlearning vs retraining from scratch.")

    @Option(help: "Shards S.") var shards = 10
    @Option(help: "Slices R.") var slices = 5
    @Option(help: "Epochs e of the model (each slice stage trains 2e/(R+1)).") var epochs = 10
    @Option(help: "Single-record requests per slice position (records are picked so every slice position is hit equally often).")
    var perSlice = 1
    @Option(help: "Training records (default: all 60,000).") var n: Int?
    @Flag(help: "Skip retraining a fresh ensemble to check exactness (saves one full ensemble training).") var skipExactness = false

    func run() throws {
        var train = try FashionMNIST.load(split: "train")
        if let n = n { train = train.rows(Array(0..<min(n, train.size))) }
        var o = TrainingOptions()
        o.learningRate = 0.05
        o.batchSize = 128
        o.epochs = epochs
        o.seed = 1
        let template = try NeuralNetwork.mlp(hidden: [256], options: o)
        var so = SISAOptions()
        so.shards = shards
        so.slices = slices
        so.seed = 1
        print("SISA S=\(shards) R=\(slices), MLP 784-256-10, e=\(epochs) (\(String(format: "%.3f", so.epochsPerStage(modelEpochs: epochs))) epochs per slice stage), N=\(train.size), BLAS threads \(BLASThreads.count)")

        let ens = try SISAEnsemble(options: so, model: template)
        var t0 = now()
        try ens.fit(train)
        let fitSeconds = now() - t0
        print(String(format: "ensemble training: %.2f s (%d shards in parallel, one BLAS thread each)", fitSeconds, shards))

        // Requests: `perSlice` records from every slice position, each in a different shard where possible.
        var rng = RNG(seed: 42)
        var requests = [(id: Int, slice: Int)]()
        for r in 0..<slices {
            for j in 0..<perSlice {
                let s = (r * perSlice + j + rng.int(below: shards)) % shards
                let ids = ens.sliceIds[s][r]
                guard !ids.isEmpty else { continue }
                requests.append((ids[rng.int(below: ids.count)], r))
            }
        }
        var measured = [Double](), samples = [Double]()
        for (id, slice) in requests {
            t0 = now()
            let rep = try ens.unlearn([id])
            let dt = now() - t0
            measured.append(dt)
            samples.append(rep.work.samples)
            print(String(format: "  unlearn id %5d (slice %d): %.3f s, %d stage(s), %.0f samples", id, slice + 1, dt, rep.work.stagesRetrained, rep.work.samples))
        }
        let removed = requests.map(\.id)
        let live = try train.without(ids: removed)

        // Retraining from scratch: one monolithic model on the remaining data.
        let mono = try template.cloneUntrained()
        t0 = now()
        try mono.fit(live)
        let monoSeconds = now() - t0
        let secondsPerSample = monoSeconds / (Double(epochs) * Double(live.size))
        print(String(format: "monolithic retraining: %.2f s (%.2f µs per sample), test accuracy %.4f", monoSeconds, secondsPerSample * 1e6,
                     try mono.accuracy(try FashionMNIST.load(split: "test"))))

        let cost = SISACostModel(records: live.size, shards: shards, slices: slices, epochs: epochs)
        let meanSeconds = measured.reduce(0, +) / Double(measured.count)
        let meanSamples = samples.reduce(0, +) / Double(samples.count)
        let expectedSeconds = cost.singleRequest * secondsPerSample
        print(String(format: "one-record unlearning: mean %.3f s over %d requests; analytic expectation %.0f samples → %.3f s at the monolithic throughput",
                     meanSeconds, measured.count, cost.singleRequest, expectedSeconds))
        print(String(format: "  measured samples %.0f vs expected %.0f (%+.1f%%); measured seconds vs expected %+.1f%%",
                     meanSamples, cost.singleRequest, 100 * (meanSamples / cost.singleRequest - 1), 100 * (meanSeconds / expectedSeconds - 1)))
        print(String(format: "  speed-up over monolithic retraining: %.1f× measured, %.1f× expected (e·N / E[cost])",
                     monoSeconds / meanSeconds, cost.fullRetrain / cost.singleRequest))
        print(String(format: "ensemble test accuracy (vote): %.4f", try ens.accuracy(try FashionMNIST.load(split: "test"))))
        if !skipExactness {
            let fresh = try SISAEnsemble(options: so, model: template)
            t0 = now()
            try fresh.fit(live)
            print(String(format: "fresh ensemble on the remaining data: %.2f s; fingerprints %@ (%@)", now() - t0,
                         try fresh.fingerprint() == ens.fingerprint() ? "identical" : "DIFFER", try ens.fingerprint()))
        }
        print(String(format: "peak memory %.0f MiB", peakMemoryMiB()))
    }
}
