import Foundation
import PrivLab

/// Process-wide engine settings (the dense-product thread count, the memory budget) that some
/// tests change. XCTest runs a bundle's tests one at a time in a process (`swift test --parallel`
/// gives each worker its own process, and so its own settings), so a change is invisible to other
/// tests provided it is undone on every path out of the test — which these helpers guarantee with
/// `defer` — and provided no two changes interleave, which the lock guarantees should tests ever
/// run concurrently in one process (a test that changes a setting holds it for its whole body).
enum GlobalSettings {
    static let lock = NSRecursiveLock()

    /// Runs `body` holding the settings lock; whatever it changes must be restored by `body`.
    static func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// Runs `body` with `threads` dense-product threads, restoring the count afterwards (tests that
/// compare one thread with two).
func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
    try GlobalSettings.exclusive {
        let saved = BLASThreads.count
        BLASThreads.count = threads
        defer { BLASThreads.count = saved }
        return try body()
    }
}

/// Runs `body` under a memory budget of `limit` bytes, restoring the budget afterwards.
func withMemoryLimit<T>(_ limit: Double, _ body: () throws -> T) rethrows -> T {
    try GlobalSettings.exclusive {
        let saved = MemoryBudget.limit
        MemoryBudget.limit = limit
        defer { MemoryBudget.limit = saved }
        return try body()
    }
}
