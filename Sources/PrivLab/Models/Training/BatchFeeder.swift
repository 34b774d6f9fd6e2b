/// Hands each step its batch's rows: gathered by an `IdleWorker` two steps ahead when there is one
/// (it only gets the moments when a core would be idle, so it needs more than one step's worth of
/// them), here otherwise — the same bits either way. Between steps it is where a time limit or
/// Ctrl-C stops training (the model keeps what it had; the caller sees the reason).
struct BatchFeeder {
    let features: Matrix
    let worker: IdleWorker?

    /// Calls `step` with each batch of an epoch, in order.
    func run(_ batches: [[Int]], _ step: (_ batch: PendingBatch, _ positions: [Int]) throws -> Void) throws {
        var ahead = [Int: PendingBatch]()
        for (t, idx) in batches.enumerated() {
            try WorkBudget.checkpoint()
            let batch = ahead.removeValue(forKey: t) ?? PendingBatch(features, idx)
            if let w = worker {
                for u in (t + 1)...(t + 2) where u < batches.count && ahead[u] == nil {
                    let b = PendingBatch(features, batches[u])
                    w.submit(b.job)
                    ahead[u] = b
                }
            }
            try step(batch, idx)
        }
    }
}
