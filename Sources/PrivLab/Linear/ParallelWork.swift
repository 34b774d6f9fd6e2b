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
