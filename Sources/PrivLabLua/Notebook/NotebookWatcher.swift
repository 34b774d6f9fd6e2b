import Foundation
import PrivLab

/// `privlab watch`: re-runs a notebook whenever its text changes. The check is by content (a
/// digest of the file), not modification time, so saving without a change or touching the file
/// does not re-run it, and a file caught missing mid-save (editors that write a new file and
/// rename it) is simply checked again at the next poll.
public final class NotebookWatcher {
    public let options: NotebookRunner.Options
    private var lastDigest: UInt64?
    public private(set) var runs = 0

    public init(options: NotebookRunner.Options) { self.options = options }

    /// Runs the notebook if its content differs from the last run's (or it has not run yet);
    /// nil when there was nothing to do. A run that fails (a chunk's error) still returns its
    /// result; only an unreadable notebook or a bad `-P` throws.
    public func runIfChanged() throws -> NotebookRunner.Result? {
        guard let data = FileManager.default.contents(atPath: options.notebookPath) else { return nil }
        var d = CacheKey.Digest()
        data.withUnsafeBytes { d.add(bytes: $0) }
        if d.value == lastDigest { return nil }
        lastDigest = d.value
        runs += 1
        return try NotebookRunner(options: options).run()
    }
}
