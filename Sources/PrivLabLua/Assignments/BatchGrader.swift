import Foundation
import PrivLab

/// `privlab grade ASSIGNMENT submissions/ -o graded/`: a class at once. Submissions are graded by
/// `jobs` at a time (each in its own worker processes, so all cores are used across students);
/// a submission whose result is cached under the same key (its bytes, the assignment's, the seed
/// and this grader's) is not graded again; what is not a submission is listed, never dropped.
public struct BatchGrader {
    public struct Options {
        public var jobs = ProcessInfo.processInfo.activeProcessorCount
        public var seed: UInt64? = nil
        /// Replace an existing gradebook.csv that differs instead of writing gradebook-N.csv beside it.
        public var replace = false
        public init() {}
    }

    /// One student's outcome.
    public struct Entry {
        public var student: String
        public var file: String
        public var result: GradeResult?
        public var error: String?
        /// Seconds this run spent grading it (nil: taken from the cache).
        public var seconds: Double?
        /// Notes about the file itself (identical to another submission, …).
        public var notes: [String] = []
    }

    public let executable: String
    public let assignment: String
    public let folder: String
    public let output: String
    public let options: Options

    public init(executable: String, assignment: String, folder: String, output: String, options: Options) {
        (self.executable, self.assignment, self.folder, self.output, self.options) = (executable, assignment, folder, output, options)
    }

    /// Grades the folder; `log` receives one line per submission as it finishes, and the closing lines.
    public func run(log: @escaping @Sendable (String) -> Void) throws -> [Entry] {
        let source = try AssignmentSource(path: assignment)
        let scan = SubmissionFolder.scan(folder)
        try FileManager.default.createDirectory(atPath: "\(output)/.cache", withIntermediateDirectories: true)
        let grader = Autograder(executable: executable)
        let seed = options.seed ?? Autograder.gradingSeed(for: source)
        let key = gradingKey(source, seed: seed)
        let entries = Locked([Entry?](repeating: nil, count: scan.files.count))
        let next = Locked(0)
        let threads = max(1, min(options.jobs, scan.files.count))
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let i = next.update { n -> Int in defer { n += 1 }; return n }
                    guard i < scan.files.count else { return }
                    let f = scan.files[i]
                    let e = self.gradeOne(f, grader: grader, key: key, seed: seed)
                    entries.update { $0[i] = e }
                    let shown = e.result.map { "\(GradeReport.pts($0.score)) / \(GradeReport.pts($0.maxScore))" } ?? "not graded (\(e.error ?? ""))"
                    log("\(e.student): \(shown)" + (e.seconds == nil ? " (unchanged: not graded again)" : ""))
                }
            }
        }
        group.wait()
        var done = entries.value.compactMap { $0 }
        for (i, f) in scan.files.enumerated() { done[i].notes += f.notes }
        try writeSummary(source, done, skipped: scan.skipped, log: log)
        return done
    }

    /// The cache key every result is stored under: what would change a grade.
    func gradingKey(_ a: AssignmentSource, seed: UInt64) -> String {
        var h = ContentHash()
        h.add(a.lines.joined(separator: "\n"))
        h.add(seed)
        h.add(privlabVersion)
        // This grader itself: a rebuilt privlab or an edited grader.lua may grade differently.
        for path in [executable, LibraryLocation.luaRoot().map { "\($0)/privlab/grader.lua" } ?? ""] {
            if let d = FileManager.default.contents(atPath: path) { d.withUnsafeBytes { h.add(bytes: $0) } }
        }
        return h.hex
    }

    struct Cached: Codable { var key: String; var submission: String; var result: GradeResult }

    func gradeOne(_ f: SubmissionFolder.File, grader: Autograder, key: String, seed: UInt64) -> Entry {
        var e = Entry(student: f.student, file: f.path)
        let cachePath = "\(output)/.cache/\(f.student).json"
        if let d = FileManager.default.contents(atPath: cachePath), let c = try? JSONDecoder().decode(Cached.self, from: d),
           c.key == key, c.submission == f.hash {
            e.result = c.result
        } else {
            let start = Date()
            do {
                let g = try grader.grade(assignment: assignment, submission: f.path, seed: seed)
                let enc = JSONEncoder()
                enc.outputFormatting = [.sortedKeys]
                try AtomicFile.write(try enc.encode(Cached(key: key, submission: f.hash, result: g)), to: cachePath)
                e.result = g
            } catch {
                e.error = "\(error)"
            }
            e.seconds = Date().timeIntervalSince(start)
        }
        // The reports are rewritten from the result every time (cheap), so a deleted one comes back.
        if let g = e.result {
            do {
                try AtomicFile.write(GradeReport.markdown(g), to: "\(output)/\(f.student).md")
                try AtomicFile.write(try GradeReport.gradescope(g), to: "\(output)/\(f.student).json")
                try SubmissionRendering.write(f.path, result: g, to: "\(output)/rendered/\(f.student).md")
            } catch { e.error = "its reports could not be written: \(error)" }
        }
        return e
    }

    func writeSummary(_ a: AssignmentSource, _ entries: [Entry], skipped: [String], log: (String) -> Void) throws {
        let book = Gradebook(assignment: a, entries: entries)
        let path = "\(output)/gradebook.csv"
        let written = try book.write(to: path, replace: options.replace)
        if written != path {
            log("gradebook: \(path) exists and differs from this grading: kept it, wrote \(written) (--replace overwrites it)")
        }
        let summary = ClassSummary(assignment: a, entries: entries, skipped: skipped)
        try AtomicFile.write(try summary.svg(), to: "\(output)/scores.svg")
        try AtomicFile.write(summary.markdown(chart: "scores.svg", gradebook: written), to: "\(output)/summary.md")
        try AtomicFile.write(try summary.json(), to: "\(output)/summary.json")
        if let answers = summary.freeText() { try AtomicFile.write(answers, to: "\(output)/free-text.md") }
        for s in skipped { log("skipped \(s)") }
        log("gradebook: \(written) (\(entries.count) submissions); summary: \(output)/summary.md")
    }
}

/// The files of a submissions folder: the .lua files to grade, and everything else, said.
public enum SubmissionFolder {
    public struct File {
        public var student: String
        public var path: String
        /// Content hash of the bytes (the cache key's submission half).
        public var hash: String
        public var notes: [String] = []
    }

    public static func scan(_ folder: String) -> (files: [File], skipped: [String]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var files = [File](), skipped = [String]()
        var byHash = [String: String]()
        var students = Set<String>()
        for name in names where !name.hasPrefix(".") {
            let path = "\(folder)/\(name)"
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            if isDir.boolValue { skipped.append("\(name)/: a folder, not a .lua submission (nothing inside it was graded)"); continue }
            guard name.lowercased().hasSuffix(".lua") else { skipped.append("\(name): not a .lua file (not graded)"); continue }
            let student = String(name.dropLast(4))
            // Two names one case apart would write each other's reports on a case-insensitive disk.
            if students.contains(student.lowercased()) {
                skipped.append("\(name): another submission has the same name but for case (not graded; rename one)")
                continue
            }
            students.insert(student.lowercased())
            let data = FileManager.default.contents(atPath: path) ?? Data()
            var h = ContentHash()
            data.withUnsafeBytes { h.add(bytes: $0) }
            var f = File(student: student, path: path, hash: h.hex)
            if let other = byHash[h.hex] { f.notes.append("identical to \(other)'s submission") } else { byHash[h.hex] = student }
            files.append(f)
        }
        // The first of a group of identical files learns of the others too.
        for i in files.indices {
            let twins = files.filter { $0.hash == files[i].hash && $0.student != files[i].student }.map(\.student)
            if !twins.isEmpty { files[i].notes = ["identical to " + twins.map { "\($0)'s submission" }.joined(separator: ", ")] }
        }
        return (files, skipped)
    }
}

/// A value behind a lock, for the batch's worker threads.
final class Locked<T>: @unchecked Sendable {
    private var v: T
    private let lock = NSLock()
    init(_ v: T) { self.v = v }
    var value: T { lock.lock(); defer { lock.unlock() }; return v }
    @discardableResult func update<R>(_ f: (inout T) -> R) -> R { lock.lock(); defer { lock.unlock() }; return f(&v) }
}
