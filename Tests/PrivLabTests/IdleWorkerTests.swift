import Foundation
import XCTest
import PrivLab

final class IdleWorkerTests: XCTestCase {
    /// Every chunk runs exactly once whether the worker or the caller gets to it, and a stopped
    /// worker leaves queued jobs for their owners to complete.
    func testChunkedJobsRunEveryChunkOnce() {
        let worker = IdleWorker()
        for round in 0..<200 {
            let n = 1 + round % 13
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
            counts.initialize(repeating: 0)
            let job = ChunkedJob(chunks: n) { c in
                var x = 0.0
                for i in 0..<(1000 * (c + 1)) { x += Double(i).squareRoot() }  // some work
                counts[c] += x > 0 ? 1 : 0
            }
            worker.submit(job)
            if round % 3 == 0 { usleep(50) }
            job.complete()
            XCTAssertEqual(Array(counts), [Int](repeating: 1, count: n))
            counts.deallocate()
        }
        let late = ChunkedJob(chunks: 4) { _ in }
        worker.submit(late)
        worker.stop()
        late.complete()  // whatever the worker did not run, the owner does
    }

    /// Training with the idle worker (two threads) and without it (one thread) gives the same bits:
    /// plain and momentum SGD, DP-SGD fused and through the optimizer, virtual batches.
    func testTrainingIsTheSameWithAndWithoutTheWorker() throws {
        let ds = try Synthetic.blobs(n: 700, features: 120, classes: 4, seed: 8)
        var configs = [TrainingOptions]()
        var o = TrainingOptions()
        o.epochs = 2
        o.batchSize = 128
        configs.append(o)
        o.momentum = 0.9
        configs.append(o)
        var dp = DPOptions()
        dp.clip = 0.5
        dp.noise = 1.0
        o.dp = dp
        configs.append(o)
        o.momentum = 0
        configs.append(o)
        dp.physicalBatch = 50
        o.dp = dp
        configs.append(o)
        for (i, opts) in configs.enumerated() {
            let results = try [1, 2].map { threads in
                try withThreads(threads) { () -> [[Float]] in
                    let m = try NeuralNetwork.mlp(hidden: [96], options: opts)
                    try m.fit(ds)
                    return m.parameterValues()
                }
            }
            XCTAssertEqual(results[0], results[1], "configuration \(i)")
        }
    }
}
