import Foundation

/// The distillation divergence SCRUB uses (Hinton et al. 2015; the reference's `DistillKL`):
/// for a batch of B records, Σ KL(softmax(t/T) ‖ softmax(s/T))·T²/B with t the frozen teacher's
/// logits and s the student's. Its gradient with respect to s is T·(softmax(s/T) − softmax(t/T))/B.
/// The teacher's logits are computed once per record, kept by record id.
struct DistillationKL {
    let temperature: Double
    private let teacherProbabilities: [Int: [Float]]

    init(teacher: Classifier, records: [Dataset], temperature: Double) throws {
        self.temperature = temperature
        var p = [Int: [Float]]()
        for d in records where d.size > 0 {
            let probs = Softmax.probabilities(try teacher.logits(d.features), temperature: Float(temperature))
            for (i, id) in d.ids.enumerated() { p[id] = probs.row(i) }
        }
        teacherProbabilities = p
    }

    /// `weight`·KL summed over the batch (divided by `normalizer`) and its gradient on the logits.
    func term(ids: [Int], student z: Matrix, normalizer: Int, weight: Double) throws -> (loss: Double, gradient: Matrix) {
        let t = Float(temperature), k = z.cols
        let ps = Softmax.probabilities(z, temperature: t), logPs = Softmax.logProbabilities(z, temperature: t)
        var g = Matrix(rows: z.rows, cols: k)
        var loss = 0.0
        let scale = Float(weight) * t / Float(normalizer)
        for (r, id) in ids.enumerated() {
            guard let pt = teacherProbabilities[id] else { throw PrivLabError.invalidArgument("scrub: no teacher output for record \(id)") }
            for j in 0..<k {
                let s = ps.data[r * k + j], q = pt[j]
                if q > 0 { loss += Double(q) * (Foundation.log(Double(q)) - Double(logPs.data[r * k + j])) }
                g.data[r * k + j] = scale * (s - q)
            }
        }
        return (weight * loss * temperature * temperature / Double(normalizer), g)
    }
}
