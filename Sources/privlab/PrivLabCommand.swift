import ArgumentParser
import CKernels
import Foundation
import PrivLab
import PrivLabLua

@main
struct PrivLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privlab",
        abstract: "PrivLab: privacy in machine learning, scripted in Lua.",
        version: privlabVersion,
        subcommands: [Run.self, Watch.self, Exec.self, Check.self, Grade.self, Assign.self, Similar.self, Plugins.self, Bench.self, GradeWorker.self, Doc.self, Stubs.self, CheckOptions.self, SystemInfo.self]
    )

    static func main() {
        // Reuse freed activation buffers instead of mapping fresh pages at every step.
        pl_keep_freed_memory()
        // A release carries Fashion-MNIST beside its lua/ (make dist); the engine reads the folder
        // from PRIVLAB_FASHION_MNIST, which a user's own setting still overrides.
        if ProcessInfo.processInfo.environment["PRIVLAB_FASHION_MNIST"] == nil, let dir = LibraryLocation.bundledFashionMNIST() {
            setenv("PRIVLAB_FASHION_MNIST", dir, 1)
        }
        main(nil)
    }
}

/// Parses `-P name=value` pairs.
func parseParameters(_ items: [String]) throws -> [String: String] {
    var out = [String: String]()
    for item in items {
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ValidationError("-P expects name=value, got '\(item)'")
        }
        let k = String(item[..<eq]), v = String(item[item.index(after: eq)...])
        if out[k] != nil { throw ValidationError("-P \(k) given twice") }
        out[k] = v
    }
    return out
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a literate notebook and write its Markdown report (figures beside it).")

    @Argument(help: "The notebook (.lua).") var notebook: String
    @Option(name: .shortAndLong, help: "Report path (default: reports/<notebook>.md; a .html or .ipynb path asks for that format, the Markdown goes beside it).") var output: String?
    @Option(name: .customShort("P"), help: ArgumentHelp("Override a parameter declared with pl.params.", valueName: "name=value"))
    var parameters: [String] = []
    @Flag(help: "Also write the report as one self-contained HTML page (figures inline).") var html = false
    @Flag(help: "Also write the report as a Jupyter notebook with its outputs.") var ipynb = false
    @Option(help: ArgumentHelp("Stop the notebook after this many seconds — engine work too, between its steps; the report keeps the chunks before, and the error at the line where it stopped.", valueName: "seconds"))
    var timeLimit: Double?
    @Flag(help: "Reuse fitted models from earlier runs with the same model configuration, data, seed and engine (and store new fits), so re-running after editing prose or a late chunk takes seconds.")
    var cache = false
    @Option(help: ArgumentHelp("The folder --cache keeps fitted models in.", valueName: "folder")) var cacheDir = ".privlab-cache"

    func validate() throws {
        if let t = timeLimit, !(t.isFinite && t > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
    }

    func run() throws {
        var o = NotebookRunner.Options(notebookPath: notebook)
        if cache { o.cacheDirectory = cacheDir }
        o.outputPath = output
        if let t = timeLimit { o.limits = LuaLimits(wallSeconds: t) }
        if html { o.formats.append(.html) }
        if ipynb { o.formats.append(.ipynb) }
        if let out = output, let f = NotebookRunner.ReportFormat(rawValue: URL(fileURLWithPath: out).pathExtension) {
            if !o.formats.contains(f) { o.formats.append(f) }
            o.outputPath = NotebookRunner.replacingExtension(of: out, with: "md")
        }
        o.parameters = try parseParameters(parameters)
        // Ctrl-C stops the running chunk between engine steps; the report keeps it, with the reason.
        o.onRuntime = { rt in pl_on_interrupt(rt.map { UnsafeMutablePointer(mutating: $0.lua.interruptFlag) }) }
        let result: NotebookRunner.Result
        do {
            result = try NotebookRunner(options: o).run()
        } catch {
            FileHandle.standardError.write(Data("privlab run: \(error)\n".utf8))
            throw ExitCode(2)
        }
        for line in result.cacheReport { FileHandle.standardError.write(Data("privlab run: \(line)\n".utf8)) }
        if let e = result.error {
            FileHandle.standardError.write(Data("privlab run: \(e)\nprivlab run: partial report written to \(result.reportPath)\n".utf8))
            throw ExitCode(1)
        }
        print("report: \(result.reportPath)" + (result.figures.isEmpty ? "" : " (\(result.figures.count) figure\(result.figures.count == 1 ? "" : "s"))"))
        for e in result.extraReports { print("report: \(e)") }
    }
}

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a plain Lua script with the pl module; output goes to standard output.")

    @Argument(help: "The script (.lua), or - for standard input.") var script: String
    // `.remaining`, not pass-through: `privlab exec s.lua -P n=7` must set the parameter rather than
    // hand "-P" to the script; arguments that start with a dash follow `--`.
    @Argument(help: "Arguments for the script (in the global table arg); put those starting with - after --.") var args: [String] = []
    @Option(name: .customShort("P"), help: ArgumentHelp("Override a parameter declared with pl.params.", valueName: "name=value"))
    var parameters: [String] = []
    @Option(help: "Folder for figures (default: <script>_files).") var figures: String?
    @Option(help: ArgumentHelp("Stop the script after this many seconds — engine work too, between its steps.", valueName: "seconds"))
    var timeLimit: Double?

    func validate() throws {
        if let t = timeLimit, !(t.isFinite && t > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
    }

    func run() throws {
        var ro = RuntimeOptions()
        ro.parameters = try parseParameters(parameters)
        let stem = script == "-" ? "stdin" : URL(fileURLWithPath: script).deletingPathExtension().lastPathComponent
        let sink = ConsoleSink(figureDirectory: figures ?? "\(stem)_files")
        do {
            let rt = try Runtime(options: ro, sink: sink)
            if let t = timeLimit { rt.lua.setLimits(LuaLimits(wallSeconds: t)) }
            pl_on_interrupt(rt.lua.interruptFlag)
            defer { pl_on_interrupt(nil) }
            let argTable = "arg = {[0] = \(luaQuote(script))" + args.map { ", " + luaQuote($0) }.joined() + "}"
            try rt.run(argTable, chunkName: "=arg")
            if script == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                try rt.run(String(decoding: data, as: UTF8.self), chunkName: "=stdin")
            } else {
                guard FileManager.default.fileExists(atPath: script) else { throw LuaError("cannot open \(script)") }
                try rt.runFile(script)
            }
            let unused = rt.unusedOverrides
            if !unused.isEmpty { throw LuaError("-P \(unused.joined(separator: ", ")): not a parameter of this script") }
        } catch {
            FileHandle.standardError.write(Data("privlab exec: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List plugin scripts on the search path and the components each registers.")

    func run() throws {
        let sink = ConsoleSink(figureDirectory: "/tmp")
        let probe = try Runtime(options: RuntimeOptions(), sink: sink)
        print("search path: \(probe.options.pluginPath.joined(separator: ":"))")
        var failed = false
        for file in probe.pluginFiles() {
            // Each plugin in a fresh runtime, so one faulty plugin cannot hide the others.
            let rt = try Runtime(options: RuntimeOptions(), sink: sink)
            do {
                let comps = try rt.inspectPlugin(file)
                print("\(file)")
                if comps.isEmpty { print("  (registers nothing)") }
                for c in comps { print("  \(c.kind) \(c.name)  (\(c.source))") }
            } catch {
                failed = true
                print("\(file)\n  ERROR: \(error)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// A Lua string literal for `s`.
func luaQuote(_ s: String) -> String {
    var out = "\""
    for u in s.utf8 {
        switch u {
        case UInt8(ascii: "\\"): out += "\\\\"
        case UInt8(ascii: "\""): out += "\\\""
        case 32..<127: out += String(UnicodeScalar(u))
        default: out += "\\\(u)"
        }
    }
    return out + "\""
}

struct Doc: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Document a pl function or a method: options with meaning, type, default and bounds, and the result; alone, an index.")
    @Argument(help: "The function or method, e.g. pl.mlp, synth.clustmix or Dataset.split (none: the index).") var name: String = ""

    func run() throws {
        do { print(try OptionDocumentation.collect().text(for: name), terminator: "") } catch {
            FileHandle.standardError.write(Data("privlab doc: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

struct Stubs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write Lua Language Server annotations for pl (editor completion) and a .luarc.json.")
    @Option(name: .shortAndLong, help: "The course folder (the one you open in the editor): gets .luarc.json and .privlab-stubs/privlab.lua (default: the current folder).")
    var output: String = "."

    func run() throws {
        // Both files go in the one folder: .luarc.json names the stubs relative to itself, so the
        // pair works wherever the folder is opened from.
        func inOutput(_ name: String) -> String { output == "." ? name : "\(output)/\(name)" }
        let stubDirectory = ".privlab-stubs"
        do {
            let doc = try OptionDocumentation.collect()
            try FileManager.default.createDirectory(atPath: inOutput(stubDirectory), withIntermediateDirectories: true)
            try AtomicFile.write(doc.luaStubs(), to: inOutput("\(stubDirectory)/privlab.lua"))
            try AtomicFile.write(OptionDocumentation.luarc(stubDirectory: stubDirectory), to: inOutput(".luarc.json"))
            print("\(inOutput("\(stubDirectory)/privlab.lua")) (\(doc.functions.count) functions, \(doc.functions.reduce(0) { $0 + $1.options.count }) options, \(doc.classes.count) classes)")
            print(inOutput(".luarc.json"))
        } catch {
            FileHandle.standardError.write(Data("privlab stubs: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
