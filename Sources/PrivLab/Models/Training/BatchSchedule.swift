/// Which records each step of an epoch trains on: shuffled mini-batches, or — for DP-SGD with
/// Poisson sampling — batches where every record joins independently with probability q (the
/// sampling the accountant assumes; Abadi et al. 2016). A fractional epoch budget (SISA slice
/// stages) runs that fraction of the last epoch's batches, at least one.
struct BatchSchedule {
    let records: Int
    let batchSize: Int
    let poisson: Bool
    /// The budget in epochs (possibly fractional).
    let epochBudget: Double
    private var orderRNG: RNG
    private var sampleRNG: RNG

    /// The DP sampling rate q = B/n.
    var sampleRate: Double { Double(batchSize) / Double(records) }
    /// Steps in a whole epoch: ⌈n/B⌉ (Poisson sampling draws as many batches).
    var stepsPerEpoch: Int { (records + batchSize - 1) / batchSize }
    /// Epochs that run (the last one possibly partial).
    var epochCount: Int { Int(epochBudget.rounded(.up)) }

    init(records: Int, batchSize: Int, poisson: Bool, epochBudget: Double, orderRNG: RNG, sampleRNG: RNG) {
        self.records = records
        self.batchSize = min(batchSize, records)
        self.poisson = poisson
        self.epochBudget = epochBudget
        self.orderRNG = orderRNG
        self.sampleRNG = sampleRNG
    }

    /// The batches (record positions) of epoch `epoch` (1-based). The shuffle is drawn every epoch,
    /// Poisson or not, so both modes consume the order stream alike.
    mutating func batches(epoch: Int) -> [[Int]] {
        let n = records, b = batchSize
        let order = orderRNG.permutation(n)
        var batches: [[Int]]
        if poisson {
            batches = (0..<stepsPerEpoch).map { _ in PoissonSampler.batch(n: n, rate: sampleRate, rng: &sampleRNG) }
        } else {
            batches = stride(from: 0, to: n, by: b).map { Array(order[$0..<min($0 + b, n)]) }
        }
        let fraction = epochBudget - Double(epoch - 1)
        if fraction < 1 { batches = Array(batches.prefix(max(1, Int((fraction * Double(batches.count)).rounded())))) }
        return batches
    }
}
