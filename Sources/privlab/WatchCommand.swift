import ArgumentParser
import CKernels
import Foundation
import PrivLab
import PrivLabLua

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run a notebook each time it is saved (fits reused from the cache) and keep its report current; with --html the page in the browser reloads itself.")

    @Argument(help: "The notebook (.lua).") var notebook: String
    @Option(name: .shortAndLong, help: "Report path (default: reports/<notebook>.md).") var output: String?
    @Option(name: .customShort("P"), help: ArgumentHelp("Override a parameter declared with pl.params.", valueName: "name=value"))
    var parameters: [String] = []
    @Flag(help: "Also write the self-contained HTML page; open it once in a browser and it reloads every --reload seconds.") var html = false
    @Option(help: ArgumentHelp("How often the HTML page reloads itself.", valueName: "seconds")) var reload = 2
    @Option(help: ArgumentHelp("How often the notebook is checked for changes.", valueName: "seconds")) var poll = 0.5
    @Flag(name: .customLong("no-cache"), help: "Fit every model on every run (default: fits are reused from --cache-dir).") var noCache = false
    @Option(help: ArgumentHelp("The folder of reused fits.", valueName: "folder")) var cacheDir = ".privlab-cache"

    func validate() throws {
        guard reload >= 1 else { throw ValidationError("--reload must be at least 1 second") }
        guard poll.isFinite, poll >= 0.05 else { throw ValidationError("--poll must be at least 0.05 seconds") }
    }

    func run() throws {
        var o = NotebookRunner.Options(notebookPath: notebook)
        o.outputPath = output
        o.parameters = try parseParameters(parameters)
        if html {
            o.formats = [.html]
            o.htmlReloadSeconds = reload
        }
        if !noCache { o.cacheDirectory = cacheDir }
        o.onRuntime = { rt in pl_on_interrupt(rt.map { UnsafeMutablePointer(mutating: $0.lua.interruptFlag) }) }
        let watcher = NotebookWatcher(options: o)
        FileHandle.standardError.write(Data("privlab watch: watching \(notebook) (Ctrl-C to stop)\n".utf8))
        while true {
            let started = Date()
            do {
                if let r = try watcher.runIfChanged() {
                    let secs = String(format: "%.1f", Date().timeIntervalSince(started))
                    let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withTime, .withColonSeparatorInTime])
                    print("[\(stamp)] run \(watcher.runs) in \(secs) s: " + (r.error.map { "stopped: \($0)" } ?? "completed"))
                    print("report: \(r.reportPath)")
                    for e in r.extraReports { print("report: \(e)") }
                    if let c = r.cacheReport.last { print(c) }
                    fflush(stdout)
                    // Ctrl-C during a run stops that run (its report written), then the watch.
                    if r.error?.hasSuffix("interrupted") == true { return }
                }
            } catch {
                FileHandle.standardError.write(Data("privlab watch: \(error)\n".utf8))
            }
            Thread.sleep(forTimeInterval: poll)
        }
    }
}
