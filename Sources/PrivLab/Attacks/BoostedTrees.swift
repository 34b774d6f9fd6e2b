import Foundation

/// Gradient-boosted regression trees for a binary outcome (Friedman, "Greedy Function
/// Approximation: A Gradient Boosting Machine", Ann. Statist. 2001, Algorithm 5 "LK_TreeBoost"
/// for two classes): each stage fits a depth-limited least-squares tree to the log-loss residuals
/// y − p and sets each leaf to its Newton step Σr / Σp(1 − p), shrunk by the learning rate. The
/// defaults are scikit-learn's GradientBoostingClassifier's (100 stages, depth 3, rate 0.1), the
/// attack model the independent reference implementation of the shadow attack uses.
public struct BoostedTrees: Sendable {
    public var stages = 100
    public var depth = 3
    public var learningRate = 0.1
    /// The fewest records a leaf may hold.
    public var minLeaf = 1

    private var initial = 0.0
    private var trees: [[Node]] = []

    /// A node of a tree stored as an array: a split (feature, threshold, children) or a leaf value.
    private struct Node: Sendable {
        var feature = -1
        var threshold = 0.0
        var left = -1, right = -1
        var value = 0.0
    }

    public init() {}

    /// Fits to features `x` and outcomes `y` (0 or 1).
    public mutating func fit(_ x: [[Double]], _ y: [Double]) throws {
        let n = x.count
        let positive = y.reduce(0, +)
        let prior = min(max(positive / Double(max(n, 1)), 1e-6), 1 - 1e-6)
        initial = log(prior / (1 - prior))
        var f = [Double](repeating: initial, count: n)
        trees = []
        // Every feature's rows sorted once by (value, row): a node's rows in that order are the
        // sorted list filtered to the node (a stable partition), so each split search is linear
        // instead of a sort per node and feature — the same order, hence the same trees.
        let d = x.first?.count ?? 0
        var orders = [[Int]]()
        for j in 0..<d {
            orders.append((0..<n).sorted { (a: Int, b: Int) -> Bool in
                let u = x[a][j], v = x[b][j]
                return u != v ? u < v : a < b
            })
        }
        for _ in 0..<stages {
            try WorkBudget.checkpoint()
            let p = f.map { 1 / (1 + exp(-$0)) }
            let r = (0..<n).map { y[$0] - p[$0] }
            let h = p.map { max($0 * (1 - $0), 1e-12) }
            var nodes = [Node]()
            var side = [Bool](repeating: false, count: n)
            grow(&nodes, Array(0..<n), orders, &side, x, r, h, level: 0)
            for i in 0..<n { f[i] += learningRate * Self.evaluate(nodes, x[i]) }
            trees.append(nodes)
        }
    }

    /// Grows the subtree over `rows` and returns its index in `nodes`.
    @discardableResult
    /// `orders[j]` holds the node's rows sorted by feature j (then row); `side` is scratch space.
    private func grow(_ nodes: inout [Node], _ rows: [Int], _ orders: [[Int]], _ side: inout [Bool], _ x: [[Double]], _ r: [Double],
                      _ h: [Double], level: Int) -> Int {
        let index = nodes.count
        nodes.append(Node())
        let sum = rows.reduce(0.0) { $0 + r[$1] }
        let hess = rows.reduce(0.0) { $0 + h[$1] }
        nodes[index].value = sum / hess
        guard level < depth, rows.count >= 2 * minLeaf else { return index }
        // The least-squares split: the largest S_l²/n_l + S_r²/n_r over features and thresholds
        // between distinct values (ties by the lower feature, then the lower threshold).
        var best: (gain: Double, feature: Int, threshold: Double) = (-Double.infinity, -1, 0)
        let total = Double(rows.count)
        for j in orders.indices {
            let sorted = orders[j]
            var left = 0.0
            for k in 0..<(sorted.count - 1) {
                left += r[sorted[k]]
                let a = x[sorted[k]][j], b = x[sorted[k + 1]][j]
                guard a < b else { continue }
                let nl = Double(k + 1), nr = total - nl
                guard Int(nl) >= minLeaf, Int(nr) >= minLeaf else { continue }
                let gain = left * left / nl + (sum - left) * (sum - left) / nr
                if best.feature < 0 || gain > best.gain * (1 + 1e-12) { best = (gain, j, a + (b - a) / 2) }
            }
        }
        guard best.feature >= 0, best.gain > sum * sum / total + 1e-12 else { return index }
        let goLeft = rows.filter { x[$0][best.feature] <= best.threshold }
        let goRight = rows.filter { x[$0][best.feature] > best.threshold }
        for i in rows { side[i] = x[i][best.feature] <= best.threshold }
        let leftOrders = orders.map { $0.filter { side[$0] } }
        let rightOrders = orders.map { $0.filter { !side[$0] } }
        nodes[index].feature = best.feature
        nodes[index].threshold = best.threshold
        let l = grow(&nodes, goLeft, leftOrders, &side, x, r, h, level: level + 1)
        let rr = grow(&nodes, goRight, rightOrders, &side, x, r, h, level: level + 1)
        nodes[index].left = l
        nodes[index].right = rr
        return index
    }

    private static func evaluate(_ nodes: [Node], _ v: [Double]) -> Double {
        var i = 0
        while nodes[i].feature >= 0 { i = v[nodes[i].feature] <= nodes[i].threshold ? nodes[i].left : nodes[i].right }
        return nodes[i].value
    }

    /// P(y = 1) for a feature vector.
    public func probability(_ v: [Double]) -> Double {
        var f = initial
        for t in trees { f += learningRate * Self.evaluate(t, v) }
        return 1 / (1 + exp(-f))
    }
}
