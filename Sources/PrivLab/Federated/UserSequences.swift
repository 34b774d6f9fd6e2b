import Foundation

/// The settings of the generated per-user data set (`UserSequences`).
public struct UserSequenceOptions: Codable, Equatable, Sendable {
    /// Number of users (clients).
    public var users = 200
    /// Symbols in the vocabulary: the classes of the next-symbol task.
    public var vocabulary = 10
    /// Symbols a record shows (its steps); the label is the symbol that follows them.
    public var context = 5
    /// Mean records per user.
    public var records = 50.0
    /// σ of the log-normal spread of records per user (0: every user has `records`).
    public var spread = 1.0
    /// The fewest records a user has.
    public var minRecords = 5
    /// λ ∈ [0, 1]: how far each user's habits depart from the population's (0: one shared chain).
    public var personal = 0.5
    public var seed: UInt64 = 1
    public init() {}

    func validate() throws {
        func check(_ ok: Bool, _ msg: String) throws { if !ok { throw PrivLabError.invalidArgument("data.users: \(msg)") } }
        try check(users >= 1, "users must be at least 1")
        try check(vocabulary >= 2, "vocabulary must be at least 2 symbols")
        try check(context >= 1, "context must be at least 1 symbol")
        try check(records.isFinite && records >= 1, "records must be a number ≥ 1")
        try check(spread.isFinite && spread >= 0 && spread <= 3, "spread must be in [0, 3]")
        try check(minRecords >= 1, "min_records must be at least 1")
        try check(personal.isFinite && personal >= 0 && personal <= 1, "personal must be in [0, 1]")
    }
}

/// A generated per-user data set for user-level DP: next-symbol prediction from each user's own
/// text, in the spirit of McMahan, Ramage, Talwar & Zhang (ICLR 2018), who train a next-word model
/// on per-user Reddit posts. Here each user writes with their own first-order Markov chain
///
///   P_u(b | a) = (1 − λ)·P(b | a) + λ·Q_u(b | a),
///
/// a mixture of the population's chain P (rows ~ Dirichlet(0.5): each symbol has a few likely successors, as words do) and a personal chain Q_u (rows ~
/// Dirichlet(0.3): a few favourite successors), so λ sets the heterogeneity. A user's record
/// count is log-normal with the given mean and σ (real per-user data are heavy-tailed: most users
/// write little, a few write a lot — LEAF's users, Caldas et al. 2018, §3), at least `minRecords`.
/// Each user writes one text of n_u + context symbols; record i is the window of `context`
/// symbols starting at i (one-hot, step by step: `context` × `vocabulary` values, readable by
/// `pl.rnn` with steps = context) labelled with the symbol after it. Windows overlap, so one user's
/// records are correlated — the reason example-level DP understates what one user reveals.
/// (Our own generator: no public per-user set small enough to ship with a licence that allows it.)
public enum UserSequences {
    public static func generate(_ o: UserSequenceOptions) throws -> FederatedClients {
        try o.validate()
        var rng = RNG.stream(seed: o.seed, index: 0x05E5)
        let counts = recordCounts(o, rng: &rng)
        let total = counts.reduce(0, +)
        let width = o.context * o.vocabulary
        try MemoryBudget.check(Double(total) * (Double(width) * 4 + 24), "data.users with \(total) records of \(width) values")
        let population = chain(o.vocabulary, concentration: 0.5, rng: &rng)
        var x = [Float](repeating: 0, count: total * width)
        var labels = [Int](), members = [[Int]]()
        labels.reserveCapacity(total)
        for (u, n) in counts.enumerated() {
            var userRNG = RNG.stream(seed: o.seed, index: 0x1_0000 &+ UInt64(u))
            let own = personalChain(population, o, rng: &userRNG)
            let text = write(n + o.context, chain: own, rng: &userRNG)
            let first = labels.count
            for i in 0..<n {
                let row = first + i
                for s in 0..<o.context { x[row * width + s * o.vocabulary + text[i + s]] = 1 }
                labels.append(text[i + o.context])
            }
            members.append(Array(first..<(first + n)))
        }
        let symbols = (0..<o.vocabulary).map { "s\($0 + 1)" }
        let names = (0..<o.context).flatMap { s in symbols.map { "t\(s + 1)_\($0)" } }
        let data = try Dataset(features: Matrix(rows: total, cols: width, data: x), labels: labels, classes: o.vocabulary,
                               featureNames: names, classNames: symbols, name: "user sequences")
        return try FederatedClients(data: data, members: members, origin: "users (personal = \(formatCompact(o.personal)))")
    }

    /// Records per user: round(exp(N(log m − σ²/2, σ))), so the mean is m, floored at `minRecords`.
    static func recordCounts(_ o: UserSequenceOptions, rng: inout RNG) -> [Int] {
        let mu = log(o.records) - o.spread * o.spread / 2
        return (0..<o.users).map { _ in
            let n = exp(rng.normal(mean: mu, std: o.spread))
            return max(o.minRecords, Int(min(n, 1e7).rounded()))
        }
    }

    /// A row-stochastic V × V matrix whose rows are Dirichlet(concentration) draws.
    static func chain(_ v: Int, concentration: Double, rng: inout RNG) -> [[Double]] {
        (0..<v).map { _ in rng.dirichlet([Double](repeating: concentration, count: v)) }
    }

    static func personalChain(_ population: [[Double]], _ o: UserSequenceOptions, rng: inout RNG) -> [[Double]] {
        let own = chain(o.vocabulary, concentration: 0.3, rng: &rng)
        return zip(population, own).map { p, q in zip(p, q).map { (1 - o.personal) * $0 + o.personal * $1 } }
    }

    /// `length` symbols from `chain`, the first uniform.
    static func write(_ length: Int, chain: [[Double]], rng: inout RNG) -> [Int] {
        var text = [rng.int(below: chain.count)]
        text.reserveCapacity(length)
        while text.count < length { text.append(rng.categorical(chain[text[text.count - 1]])) }
        return text
    }
}
