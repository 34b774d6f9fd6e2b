import Foundation

/// Independent jobs (SISA shards, shadow models) run on several worker threads. While more than
/// one worker runs, each dense product uses one thread (`BLASThreads.count = 1`) so the cores are
/// not oversubscribed; products are bit-identical for any thread count, so results never depend on
/// how jobs were scheduled.
public enum ParallelWork {
    /// Runs `job(i)` for every i in 0..<count on up to `workers` threads and returns the results in
    /// index order; the first error (by index) is rethrown after every job has finished.
    public static func run<T>(_ count: Int, workers: Int, _ job: (Int) throws -> T) throws -> [T] {
        var results = [Result<T, Error>?](repeating: nil, count: count)
        let parallel = min(max(1, workers), count)
        if parallel <= 1 {
            for i in 0..<count { results[i] = Result { try job(i) } }
        } else {
            let lock = NSLock()
            var next = 0
            let saved = BLASThreads.count
            BLASThreads.count = 1
            defer { BLASThreads.count = saved }
            withoutActuallyEscaping(job) { job in
                results.withUnsafeMutableBufferPointer { out in
                    let out = out
                    DispatchQueue.concurrentPerform(iterations: parallel) { _ in
                        while true {
                            lock.lock()
                            let i = next
                            next += 1
                            lock.unlock()
                            if i >= count { break }
                            let r = Result { try job(i) }
                            lock.lock()
                            out[i] = r
                            lock.unlock()
                        }
                    }
                }
            }
        }
        return try results.map { try $0!.get() }
    }
}

extension ParallelWork {
    /// Calls `body` on consecutive ranges covering 0..<count, on up to `BLASThreads.count` threads
    /// (one range after another with one thread). For per-example work whose result for an element
    /// does not depend on the range it falls in — each example's convolution, pooling, gradient —
    /// so any partition gives the same bits. `grain` is the fewest elements a range should hold.
    public static func forEachRange(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let threads = BLASThreads.count
        let chunks = min(threads * 4, max(1, count / max(1, grain)))
        if threads <= 1 || chunks <= 1 { return body(0..<count) }
        let per = (count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: (count + per - 1) / per) { c in
            body((c * per)..<min(count, (c + 1) * per))
        }
    }
}
