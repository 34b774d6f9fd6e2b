import Foundation
import PrivLab

/// Where a script's output goes: printed text, tables, Markdown, figures and timings. The notebook
/// runner collects them per chunk; `privlab exec` writes them to standard output.
public protocol ReportSink: AnyObject {
    func write(_ text: String)
    func table(_ table: ReportTable)
    func markdown(_ text: String)
    /// Saves an SVG figure and returns where it went (a path relative to the report for notebooks).
    func figure(svg: String, title: String, name: String?) throws -> String
    /// A wall-clock measurement: never part of a report's deterministic content.
    func timing(_ label: String, seconds: Double)
}

/// Writes everything to standard output (tables as aligned text), figures into a directory.
public final class ConsoleSink: ReportSink {
    private let figureDirectory: String
    private var figureCount = 0
    private let out: (String) -> Void

    public init(figureDirectory: String, out: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.figureDirectory = figureDirectory
        self.out = out
    }

    public func write(_ text: String) { out(text) }
    public func table(_ table: ReportTable) { out(table.plainText()) }
    public func markdown(_ text: String) { out(text.hasSuffix("\n") ? text : text + "\n") }
    public func figure(svg: String, title: String, name: String?) throws -> String {
        figureCount += 1
        let file = "\(figureDirectory)/\(FigureNaming.fileName(index: figureCount, name: name, title: title))"
        try AtomicFile.write(svg, to: file)
        out("[figure \(title.isEmpty ? "" : "'\(title)' ")saved to \(file)]\n")
        return file
    }
    public func timing(_ label: String, seconds: Double) {
        out("⏱ \(label): \(String(format: "%.3f", seconds)) s (wall clock)\n")
    }
}

/// File names for figures: `fig-<n>-<slug>.svg`, stable for the same notebook and parameters.
public enum FigureNaming {
    public static func slug(_ s: String) -> String {
        var out = ""
        for ch in s.lowercased() {
            if ch.isLetter && ch.isASCII || ch.isNumber && ch.isASCII { out.append(ch) } else if !out.hasSuffix("-") { out.append("-") }
        }
        while out.hasSuffix("-") { out.removeLast() }
        while out.hasPrefix("-") { out.removeFirst() }
        return String(out.prefix(40))
    }

    public static func fileName(index: Int, name: String?, title: String) -> String {
        let s = slug(name ?? title)
        return s.isEmpty ? "fig-\(index).svg" : "fig-\(index)-\(s).svg"
    }
}
