import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal (so logs,
/// CI output and reports never contain it).
public final class ProgressBar {
    public static var isEnabled: Bool = isatty(STDERR_FILENO) != 0
    private let label: String
    private let total: Int
    private let start = Date()
    private var lastDrawn = -1

    public init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    public func update(_ done: Int) {
        guard ProgressBar.isEnabled else { return }
        let width = 30
        let filled = min(width, done * width / total)
        if filled == lastDrawn && done < total { return }
        lastDrawn = filled
        let secs = Date().timeIntervalSince(start)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line = "\r\(label) [\(bar)] \(done)/\(total) \(String(format: "%.1fs", secs))"
        if done >= total { line += "\n" }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
