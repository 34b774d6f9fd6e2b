import Foundation

/// Progress of a long task on standard error — never in a report, so reports stay byte-identical.
/// On a terminal, a one-line bar redrawn in place with the time so far and an estimate of the
/// time left (from the mean time per finished unit). Elsewhere (logs, CI, a pipe) a bar would be
/// noise, but a long silence reads as a hang: a task that has run 10 s or more prints one plain
/// line with its estimate, then at most one every 30 s, and one when it ends — short tasks print
/// nothing.
public final class ProgressBar {
    public static var isEnabled: Bool = isatty(STDERR_FILENO) != 0
    /// Plain heartbeat lines where standard error is not a terminal.
    public static var linesEnabled = true
    private let label: String
    private let total: Int
    private let start = Date()
    private let onTerminal: Bool
    private var lastDrawn = -1
    private var lastLine: Double? = nil

    public init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
        onTerminal = ProgressBar.isEnabled
    }

    /// Whether anything at all would be printed (a terminal, or heartbeat lines enabled).
    public static var isActive: Bool { isEnabled || linesEnabled }

    public func update(_ done: Int) {
        let secs = Date().timeIntervalSince(start)
        if onTerminal { drawBar(done, secs) } else { heartbeat(done, secs) }
    }

    /// "≈ 1 min 12 s left" from the mean time per unit so far (nothing before the first unit).
    public static func estimate(done: Int, total: Int, seconds: Double) -> String {
        guard done > 0, done < total else { return "" }
        let left = seconds / Double(done) * Double(total - done)
        return ", ≈ " + duration(left) + " left"
    }

    static func duration(_ s: Double) -> String {
        s < 60 ? String(format: "%.0f s", s.rounded(.up)) : String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60)
    }

    private func drawBar(_ done: Int, _ secs: Double) {
        let width = 30
        let filled = min(width, done * width / total)
        if filled == lastDrawn && done < total { return }
        lastDrawn = filled
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line = "\r\(label) [\(bar)] \(done)/\(total) \(String(format: "%.1fs", secs))" + Self.estimate(done: done, total: total, seconds: secs)
        line += done >= total ? "\n" : "   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    private func heartbeat(_ done: Int, _ secs: Double) {
        guard ProgressBar.linesEnabled else { return }
        let finished = done >= total
        if finished ? lastLine == nil : (secs < 10 || secs - (lastLine ?? -30) < 30) { return }
        lastLine = secs
        let line = "\(label): \(done)/\(total) after \(Self.duration(secs))" + Self.estimate(done: done, total: total, seconds: secs)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
