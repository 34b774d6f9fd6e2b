import Foundation

/// The shadow models an attack trains (Shokri et al. 2017, §IV; also the metric attack's threshold
/// shadows and LiRA's in/out models, Carlini et al. 2022): copies of a template — the target's
/// hyper-parameters, or the attacker's guess — each re-seeded, trained on its own draw from the
/// attacker's data, in parallel. Written once for every attack that uses shadows.
struct ShadowModels {
    let template: ModelArchitecture
    let seed: UInt64
    /// Shadow i draws from random stream `stream + i` of `seed` and is re-seeded with
    /// mix64(seed + i·salt): per attack constants, so attacks do not share shadows by accident.
    let stream: UInt64
    let salt: UInt64
    let workers: Int
    /// Called with (shadows trained, total) as each finishes, from the training threads one at a
    /// time (for a progress display).
    var progress: ((Int, Int) -> Void)? = nil

    /// Trains `count` shadows: for shadow i, `draw` picks its training set (and anything else the
    /// attack needs, e.g. the held-out records) from the shadow's own stream, a re-seeded copy of
    /// the template is fitted on it, and `read` extracts what the attack keeps. Results come back in
    /// shadow order and do not depend on the number of workers.
    func train<Extra, Result>(_ count: Int, draw: (inout RNG) throws -> (train: Dataset, extra: Extra),
                              read: (Classifier, Dataset, Extra) throws -> Result) throws -> [Result] {
        let lock = NSLock()
        var done = 0
        return try ParallelWork.run(count, workers: template.parallelWorkers(workers)) { i -> Result in
            var rng = RNG.stream(seed: seed, index: stream + UInt64(i))
            let (train, extra) = try draw(&rng)
            let m = try template.reseededClone(seed: mix64(seed &+ UInt64(i) &* salt))
            try m.fit(train)
            let r = try read(m, train, extra)
            if let p = progress {
                lock.lock()
                done += 1
                p(done, count)
                lock.unlock()
            }
            return r
        }
    }
}
