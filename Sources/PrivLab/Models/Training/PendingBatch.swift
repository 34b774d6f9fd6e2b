/// The feature rows of one mini-batch, gathered into a new matrix in chunks of rows that an
/// `IdleWorker` can copy ahead of time, while the current step computes.
final class PendingBatch: @unchecked Sendable {
    /// The gathered values; the job keeps this alive (and writes it) until it has run.
    private final class Storage: @unchecked Sendable {
        var data: [Float]
        let base: UnsafeMutablePointer<Float>?
        init(count: Int) {
            data = [Float](unsafeUninitializedCapacity: count) { _, k in k = count }
            // Written through this pointer until `take()`; nothing else touches `data` before
            // then, so the array is never reallocated underneath it.
            base = data.withUnsafeMutableBufferPointer { $0.baseAddress }
        }
    }

    let indices: [Int]
    let cols: Int
    private let storage: Storage
    let job: ChunkedJob

    /// Rows copied per chunk.
    static let rowsPerChunk = 32

    init(_ features: Matrix, _ indices: [Int]) {
        self.indices = indices
        let c = features.cols, n = indices.count, total = n * c
        cols = c
        let storage = Storage(count: total)
        self.storage = storage
        let per = Self.rowsPerChunk
        job = ChunkedJob(chunks: total == 0 ? 0 : (n + per - 1) / per) { ch in
            features.data.withUnsafeBufferPointer { src in
                for k in (ch * per)..<min(n, (ch + 1) * per) {
                    (storage.base! + k * c).initialize(from: src.baseAddress! + indices[k] * c, count: c)
                }
            }
        }
    }

    /// The gathered rows (copying here whatever the worker has not); call once.
    func take() -> Matrix {
        job.complete()
        let d = storage.data
        storage.data = []
        return Matrix(rows: indices.count, cols: cols, storage: d)
    }
}
