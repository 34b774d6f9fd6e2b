/// DP-SGD's Gaussian noise, one draw per step: std σ·C on the clipped sum, divided (like the sum)
/// by the expected batch size (Abadi et al. 2016, Algorithm 1; Opacus's `DPOptimizer.add_noise`).
/// Each step's noise comes from the next value of the noise stream; while a step computes, an
/// `IdleWorker` (if any) generates the next step's noise, which is the same bits either way.
final class NoiseAddition {
    private let pending: PendingNoise
    private let std: Double
    private let worker: IdleWorker?
    private var rng: RNG
    /// The job filling `pending` for the next step, when one was started.
    private var job: ChunkedJob? = nil

    init(sizes: [Int], std: Double, rng: RNG, worker: IdleWorker?) {
        pending = PendingNoise(sizes: sizes)
        self.std = std
        self.rng = rng
        self.worker = worker
    }

    /// Adds this step's noise to the gradients, or — on the fused path, where the clipped sum is
    /// in the weights already — to the weights as w ← w − lr·noise.
    func add(to params: [Parameter], fusedLearningRate lr: Double?) {
        let stepSeed = rng.next()
        if job == nil || pending.seed != stepSeed { job = pending.job(std: std, seed: stepSeed) }
        job!.complete()
        for (p, z) in zip(params, pending.buffers) {
            if let lr {
                let a = Float(-lr)
                p.value.data.withUnsafeMutableBufferPointer { w in for i in 0..<w.count { w[i] += a * z[i] } }
            } else {
                p.grad.data.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] += z[i] } }
            }
        }
        job = nil
        if let w = worker {
            // The next step's seed is the stream's next value whatever happens in between.
            var peek = rng
            let j = pending.job(std: std, seed: peek.next())
            w.submit(j)
            job = j
        }
    }
}
