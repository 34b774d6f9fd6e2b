import CLua
import Foundation
import PrivLab

/// One piece of output a chunk produced, in order.
enum ChunkOutput {
    case text(String)
    case table(ReportTable)
    case markdown(String)
    case figure(link: String, title: String, svg: String)
    case timing(label: String, seconds: Double)
    case error(String)
}

/// Collects a notebook's output per chunk and writes figures next to the report.
final class NotebookSink: ReportSink {
    var current = 0
    var outputs: [Int: [ChunkOutput]] = [:]
    let figureDirectory: String
    let figureLinkPrefix: String
    var figuresWritten: [String] = []

    init(figureDirectory: String, figureLinkPrefix: String) {
        self.figureDirectory = figureDirectory
        self.figureLinkPrefix = figureLinkPrefix
    }

    private func append(_ o: ChunkOutput) { outputs[current, default: []].append(o) }

    func write(_ text: String) {
        if case .text(let prev)? = outputs[current]?.last {
            outputs[current]!.removeLast()
            append(.text(prev + text))
        } else {
            append(.text(text))
        }
    }
    func table(_ table: ReportTable) { append(.table(table)) }
    func markdown(_ text: String) { append(.markdown(text)) }
    func timing(_ label: String, seconds: Double) { append(.timing(label: label, seconds: seconds)) }
    func figure(svg: String, title: String, name: String?) throws -> String {
        let file = FigureNaming.fileName(index: figuresWritten.count + 1, name: name, title: title)
        try AtomicFile.write(svg, to: "\(figureDirectory)/\(file)")
        figuresWritten.append(file)
        let link = "\(figureLinkPrefix)/\(file)"
        append(.figure(link: link, title: title, svg: svg))
        return link
    }
}

/// Runs a literate notebook and writes its Markdown report (atomically, also when a chunk fails).
public final class NotebookRunner {
    public struct Options {
        public var notebookPath: String
        /// Report path; nil picks `reports/<name>.md` (with the overrides in the name when `-P` is used).
        public var outputPath: String?
        public var parameters: [String: String] = [:]
        public var limits: LuaLimits = .none
        public var progress = true
        /// Formats written beside the Markdown report (same name, their own extension).
        public var formats: [ReportFormat] = []
        /// Hears the notebook's runtime when it is created, and nil when the run is over (the CLI
        /// points its Ctrl-C handler at the runtime's interrupt flag, then away from it).
        public var onRuntime: ((Runtime?) -> Void)? = nil
        /// A folder of fitted models reused between runs (`--cache`); nil: every fit runs.
        public var cacheDirectory: String? = nil
        /// The HTML page reloads itself this often (`privlab watch`); nil: a static page.
        public var htmlReloadSeconds: Int? = nil
        public init(notebookPath: String) { self.notebookPath = notebookPath }
    }

    /// Report formats besides Markdown.
    public enum ReportFormat: String, CaseIterable, Sendable {
        /// One self-contained page (figures inline).
        case html
        /// A Jupyter notebook with outputs (nbformat 4.5).
        case ipynb
    }

    public struct Result {
        public var reportPath: String
        public var succeeded: Bool
        /// The error that stopped the run, with file and line.
        public var error: String?
        public var figures: [String]
        /// The other formats written, by path.
        public var extraReports: [String] = []
        /// The model cache's notes (a folder rebuilt, an entry refitted) and its summary line; empty without a cache.
        public var cacheReport: [String] = []
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    /// `path` with its extension replaced, written as given (a relative path stays relative), so
    /// every report path the CLI prints follows the same rule as the one the user typed.
    public static func replacingExtension(of path: String, with ext: String) -> String {
        (path as NSString).deletingPathExtension + "." + ext
    }

    /// The default report path for a notebook and its overrides.
    public static func defaultOutputPath(notebook: String, parameters: [String: String]) -> String {
        let stem = URL(fileURLWithPath: notebook).deletingPathExtension().lastPathComponent
        var name = stem
        if !parameters.isEmpty {
            name += "--" + parameters.keys.sorted().map { "\($0)-\(FigureNaming.slug(parameters[$0]!))" }.joined(separator: "--")
        }
        return "reports/\(name).md"
    }

    /// Runs the notebook and writes the report. Throws, leaving no report, when the notebook cannot
    /// be read or when `pl.params` rejects a `-P` value (a mistake on the command line; the error
    /// names the notebook's line of the `pl.params` call). Every other failure — a chunk's error, a
    /// limit, an interrupt — is in the report written, with `Result.error` set.
    public func run() throws -> Result {
        let path = options.notebookPath
        let text = try NotebookRunner.readNotebook(path)
        let out = options.outputPath ?? NotebookRunner.defaultOutputPath(notebook: path, parameters: options.parameters)
        let outURL = URL(fileURLWithPath: out)
        let stem = outURL.deletingPathExtension().lastPathComponent
        let figDirName = "\(stem)_files"
        let figDir = outURL.deletingLastPathComponent().appendingPathComponent(figDirName).path
        let sink = NotebookSink(figureDirectory: figDir, figureLinkPrefix: figDirName)

        var source: NotebookSource? = nil
        var failure: String? = nil
        var failedChunk: Int? = nil
        var declared: [DeclaredParameter] = []
        // Set once this run has written its report of the chunks finished so far.
        var wroteInterim = false
        var cacheReport = [String]()
        do {
            source = try NotebookSource(text: text, name: path)
        } catch let e as PrivLabError {
            failure = e.description
        }
        if let src = source {
            var ro = RuntimeOptions()
            ro.parameters = options.parameters
            ro.limits = options.limits
            ro.progress = options.progress
            ro.cacheDirectory = options.cacheDirectory
            let rt = try Runtime(options: ro, sink: sink)
            defer { cacheReport = rt.modelCache.map { $0.notes + [$0.summary] } ?? [] }
            options.onRuntime?(rt)
            defer { options.onRuntime?(nil) }
            // Chunk k of n with the elapsed time, on a terminal only (stderr; never in the report).
            let chunks = src.segments.filter { if case .code = $0 { return true }; return false }.count
            let bar = options.progress && ProgressBar.isEnabled ? ProgressBar(label: "notebook chunks", total: chunks) : nil
            defer { bar?.update(chunks) }
            rt.lua.setGlobal(NotebookSource.markerFunction) { [unowned rt] call in
                let next = try call.integer(1, fn: NotebookSource.markerFunction, arg: "chunk")
                bar?.update(next - 1)
                // The chunks before this one have finished: the report so far goes to disk now,
                // atomically and marked incomplete, so a run killed later (SIGKILL, power loss)
                // still leaves every finished chunk's output. The final report replaces it.
                if next > 1 {
                    let partial = self.render(source: src, sink: sink, declared: rt.declaredParameters, failure: nil, failedChunk: nil,
                                         runningChunk: next)
                    if (try? AtomicFile.write(partial, to: out)) != nil { wroteInterim = true }
                }
                sink.current = next
                return 0
            }
            do {
                try rt.run(src.executable, chunkName: "@\(path)")
                let unused = rt.unusedOverrides
                if !unused.isEmpty {
                    let names = rt.declaredParameters.map(\.name)
                    throw LuaError("-P \(unused.joined(separator: ", ")): not a parameter of this notebook" +
                                   (names.isEmpty ? " (it declares none with pl.params)" : " (declared: \(names.joined(separator: ", ")))"))
                }
            } catch let e as LuaError {
                if let bad = rt.parameterError, e.message.hasSuffix(bad) {
                    // A -P value of the wrong type is a mistake on the command line: nothing of the
                    // notebook is worth a report (one named after the bad value, at that), so none
                    // is written and the one this run wrote between chunks is removed.
                    if wroteInterim { try? FileManager.default.removeItem(atPath: out) }
                    throw LuaError(e.message + " (no report written)", located: true)
                }
                failure = e.message
                failedChunk = sink.current
                sink.outputs[sink.current, default: []].append(.error(e.message))
            }
            declared = rt.declaredParameters
        }
        let doc = document(source: source, sink: sink, declared: declared, failure: failure, failedChunk: failedChunk)
        let extra = try write(doc, to: out, figureDirectory: figDir, figuresWritten: sink.figuresWritten)
        return Result(reportPath: out, succeeded: failure == nil, error: failure,
                      figures: sink.figuresWritten.map { "\(figDir)/\($0)" }, extraReports: extra, cacheReport: cacheReport)
    }

    /// The notebook's text.
    static func readNotebook(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw PrivLabError.io("\(path): cannot read the notebook") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PrivLabError.malformedFile(location: path, reason: "not valid UTF-8 text")
        }
        return text
    }

    /// Writes the report (and its other formats, whose paths it returns), and removes figures of
    /// earlier runs this run did not produce: they would be stale.
    private func write(_ doc: ReportDocument, to out: String, figureDirectory figDir: String, figuresWritten: [String]) throws -> [String] {
        try AtomicFile.write(doc.markdown(), to: out)
        var extra = [String]()
        for f in options.formats {
            let path = NotebookRunner.replacingExtension(of: out, with: f.rawValue)
            switch f {
            case .html: try AtomicFile.write(NotebookHTML.render(doc, reloadSeconds: options.htmlReloadSeconds), to: path)
            case .ipynb: try AtomicFile.write(try NotebookJupyter.render(doc), to: path)
            }
            extra.append(path)
        }
        if let old = try? FileManager.default.contentsOfDirectory(atPath: figDir) {
            for f in old where f.hasSuffix(".svg") && !figuresWritten.contains(f) {
                try? FileManager.default.removeItem(atPath: "\(figDir)/\(f)")
            }
        }
        return extra
    }

    /// The report. With `runningChunk`, the report of a run still going: everything before that
    /// chunk, marked incomplete.
    private func render(source: NotebookSource?, sink: NotebookSink, declared: [DeclaredParameter],
                        failure: String?, failedChunk: Int?, runningChunk: Int? = nil) -> String {
        document(source: source, sink: sink, declared: declared, failure: failure, failedChunk: failedChunk,
                 runningChunk: runningChunk).markdown()
    }

    /// The run as a document (what every report format writes).
    func document(source: NotebookSource?, sink: NotebookSink, declared: [DeclaredParameter],
                  failure: String?, failedChunk: Int?, runningChunk: Int? = nil) -> ReportDocument {
        var segments = source?.segments ?? []
        var title: String? = nil
        // A leading "# Title" prose block goes first, then the run's provenance.
        if case .prose(let p)? = segments.first(where: { if case .code(_, let t, _, _) = $0, t.isEmpty { return false }; return true }),
           p.hasPrefix("# ") {
            let idx = segments.firstIndex { if case .prose = $0 { return true }; return false }!
            let lines = p.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            title = String(lines[0].dropFirst(2))
            segments[idx] = .prose(lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .newlines) : "")
        }
        var provenance = "Notebook `\(options.notebookPath)` · privlab \(privlabVersion)"
        if let r = runningChunk {
            provenance += " · **incomplete**: " + (r == 2 ? "chunk 1" : "chunks 1–\(r - 1)") + " finished; the run was still in chunk \(r) when this was written"
        } else {
            provenance += failure == nil ? " · completed" : " · **stopped by an error**"
        }
        var doc = ReportDocument(notebookPath: options.notebookPath, title: title, provenance: provenance)
        if !declared.isEmpty {
            let rows = declared.map { [$0.name, "`\($0.value)`", $0.overridden ? "set with -P" : "default"] }
            doc.parameters = try? ReportTable(headers: ["parameter", "value", "source"], rows: rows)
        }
        if source == nil {
            doc.unreadable = true
            doc.error = failure
            return doc
        }
        var stopped = false
        for seg in segments {
            if stopped { break }
            switch seg {
            case .prose(let p):
                if !p.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { doc.blocks.append(.prose(p)) }
            case .code(let index, let text, _, let echo):
                if let r = runningChunk, index >= r {
                    stopped = true
                    continue
                }
                if echo && !text.isEmpty { doc.blocks.append(.code(text)) }
                for o in sink.outputs[index] ?? [] { doc.blocks.append(.output(o)) }
                if index == failedChunk {
                    doc.blocks.append(.stopped)
                    stopped = true
                }
            }
        }
        if let f = failure, failedChunk == nil || !stopped { doc.error = f }
        return doc
    }

    static func render(_ o: ChunkOutput) -> String {
        switch o {
        case .text(let t):
            var body = t
            if body.hasSuffix("\n") { body.removeLast() }
            // A fence longer than any backtick run inside keeps the block intact.
            let fence = body.contains("```") ? "~~~~" : "```"
            return "\(fence)text\n\(body)\n\(fence)\n\n"
        case .table(let t): return t.markdown() + "\n"
        case .markdown(let m): return m.hasSuffix("\n") ? m + "\n" : m + "\n\n"
        case .figure(let link, let title, _): return "![\(title.isEmpty ? "figure" : title)](\(link))\n\n"
        case .timing(let label, let secs):
            return "> ⏱ timing (wall clock, varies between runs): \(label): \(String(format: "%.2f", secs)) s\n\n"
        case .error(let e):
            return "> **Error:** `\(e.replacingOccurrences(of: "`", with: "'"))`\n\n"
        }
    }
}
