import PrivLab

/// Runs `body` with `threads` dense-product threads, restoring the count afterwards (tests that
/// compare one thread with two).
func withThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
    let saved = BLASThreads.count
    BLASThreads.count = threads
    defer { BLASThreads.count = saved }
    return try body()
}
