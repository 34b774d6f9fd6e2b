import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Work cut into chunks that an `IdleWorker` and the thread needing the result both claim, one
/// chunk at a time: the result is ready as soon as the two together have done every chunk, and the
/// caller never waits for work nobody has started. What a chunk computes must not depend on which
/// thread runs it (each chunk writes its own part of the output).
public final class ChunkedJob: @unchecked Sendable {
    public let count: Int
    private let work: (Int) -> Void
    private let claimed = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let done = NSCondition()

    /// A job of `chunks` chunks; `work(c)` computes chunk c.
    public init(chunks: Int, work: @escaping (Int) -> Void) {
        count = chunks
        self.work = work
    }

    /// Runs chunks nobody has claimed; returns when none is left to claim.
    public func runUnclaimed() {
        while true {
            let c = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
            if c >= count { return }
            work(c)
            if finished.wrappingAdd(1, ordering: .releasing).newValue == count {
                done.lock()
                done.broadcast()
                done.unlock()
            }
        }
    }

    /// Runs what is left on this thread, then waits for chunks the worker is still running.
    public func complete() {
        runUnclaimed()
        if finished.load(ordering: .acquiring) == count { return }
        done.lock()
        while finished.load(ordering: .acquiring) < count { done.wait() }
        done.unlock()
    }
}

/// One background thread at the lowest scheduling priority (Linux `SCHED_IDLE`): it runs only when
/// a core would otherwise be idle. Training submits the next step's input gather and DP noise to
/// it; the single-threaded parts of a step (small layers, the loss, per-example norms) leave the
/// second core idle, and this fills that time without ever slowing the parallel GEMMs. Whatever
/// the worker has not done when the result is needed, the caller does itself (`ChunkedJob`), so
/// results never depend on scheduling.
public final class IdleWorker: @unchecked Sendable {
    private let cond = NSCondition()
    private var jobs: [ChunkedJob] = []
    private var stopping = false
    private let exited = DispatchSemaphore(value: 0)

    /// Starts the thread; call `stop()` when done.
    public init() {
        let thread = Thread { [self] in
            #if os(Linux)
            var p = sched_param()
            p.sched_priority = 0
            _ = sched_setscheduler(0, 5 /* SCHED_IDLE: this thread only */, &p)
            #endif
            loop()
            exited.signal()
        }
        thread.name = "privlab-idle-worker"
        thread.start()
    }

    /// Queues `job`; the worker starts on it when it is idle.
    public func submit(_ job: ChunkedJob) {
        cond.lock()
        jobs.append(job)
        cond.signal()
        cond.unlock()
    }

    /// Ends the thread (queued jobs are dropped; their owners complete them if they need them) and
    /// waits until it has exited.
    public func stop() {
        cond.lock()
        stopping = true
        jobs.removeAll()
        cond.signal()
        cond.unlock()
        exited.wait()
    }

    private func loop() {
        while true {
            cond.lock()
            while jobs.isEmpty && !stopping { cond.wait() }
            if stopping {
                cond.unlock()
                return
            }
            let job = jobs.removeFirst()
            cond.unlock()
            job.runUnclaimed()
        }
    }
}
