import ArgumentParser
import Foundation
import PrivLab
import PrivLabLua

struct Similar: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flag pairs of submissions whose code is alike after normalising names, literals, whitespace and comments (winnowed fingerprints, as MOSS); writes an HTML report with the matching regions side by side.")

    @Argument(help: "The folder of submissions: each *.lua is one student, and so is each sub-folder (its .lua files together).")
    var submissions: String
    @Option(name: .shortAndLong, help: "The HTML report.") var output = "similarity.html"
    @Option(help: "Flag a pair when at least this fraction of either submission's fingerprints is shared (0–1].") var threshold = SimilarityOptions().threshold
    @Option(help: "The hand-out (student version): its code is ignored, as MOSS's base file.") var template: String?
    @Option(name: .customLong("kgram"), help: "Noise threshold k: the shortest match counted, in tokens.") var kgram = SimilarityOptions().kgram
    @Option(help: "Winnowing window w (every shared run of w + k − 1 tokens is found).") var window = SimilarityOptions().window
    @Option(help: "Ignore fingerprints found in more than this many submissions.") var maxOccurrences = SimilarityOptions().maximumOccurrences
    @Option(help: "Flag only pairs sharing at least this many fingerprints.") var minShared = SimilarityOptions().minimumShared

    func run() throws {
        do {
            var o = SimilarityOptions()
            o.threshold = threshold
            o.kgram = kgram
            o.window = window
            o.maximumOccurrences = maxOccurrences
            o.minimumShared = minShared
            let found = try SubmissionFolder.read(submissions, excluding: template)
            for note in found.notes { FileHandle.standardError.write(Data("privlab similar: \(note)\n".utf8)) }
            guard found.submissions.count >= 2 else {
                throw PrivLabError.invalidArgument("\(submissions): \(found.submissions.count) Lua submission\(found.submissions.count == 1 ? "" : "s") found; comparing needs at least 2")
            }
            let t = try template.map { path -> (name: String, source: String) in
                guard let d = FileManager.default.contents(atPath: path) else { throw PrivLabError.io("\(path): cannot read the template") }
                return (URL(fileURLWithPath: path).lastPathComponent, String(decoding: d, as: UTF8.self))
            }
            let r = try SimilarityCheck.compare(found.submissions, template: t, options: o)
            try AtomicFile.write(SimilarityHTML.render(r), to: output)
            for p in r.flagged {
                print("flagged: \(r.submissions[p.a].name) ~ \(r.submissions[p.b].name)  \(pct(p.fractionA)) / \(pct(p.fractionB)) of fingerprints shared (\(p.shared), \(p.regions.count) region\(p.regions.count == 1 ? "" : "s"))")
            }
            print("\(r.flagged.count) of \(r.submissions.count * (r.submissions.count - 1) / 2) pairs flagged (\(r.submissions.count) submissions, k = \(o.kgram), w = \(o.window), threshold \(o.threshold))")
            print("report: \(output)")
        } catch {
            FileHandle.standardError.write(Data("privlab similar: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func pct(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
}

/// The submissions of a folder: each *.lua file, and each sub-folder's .lua files joined (in name
/// order) under the sub-folder's name; anything else is skipped with a note.
enum SubmissionFolder {
    static func read(_ dir: String, excluding template: String?) throws -> (submissions: [(name: String, source: String)], notes: [String]) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { throw PrivLabError.io("\(dir): not a folder") }
        let skip = template.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var out = [(name: String, source: String)](), skipped = [String]()
        for entry in try fm.contentsOfDirectory(atPath: dir).sorted() where !entry.hasPrefix(".") {
            let path = "\(dir)/\(entry)"
            if URL(fileURLWithPath: path).standardizedFileURL.path == skip { continue }
            var sub: ObjCBool = false
            fm.fileExists(atPath: path, isDirectory: &sub)
            if sub.boolValue {
                let files = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".lua") }.sorted()
                if files.isEmpty { skipped.append(entry + "/"); continue }
                let text = files.compactMap { fm.contents(atPath: "\(path)/\($0)").map { String(decoding: $0, as: UTF8.self) } }
                out.append((entry, text.joined(separator: "\n")))
            } else if entry.hasSuffix(".lua"), let d = fm.contents(atPath: path) {
                out.append((entry, String(decoding: d, as: UTF8.self)))
            } else {
                skipped.append(entry)
            }
        }
        let notes = skipped.isEmpty ? [] : ["skipped \(skipped.count) entr\(skipped.count == 1 ? "y" : "ies") that are not Lua submissions: \(skipped.prefix(5).joined(separator: ", "))\(skipped.count > 5 ? ", …" : "")"]
        return (out, notes)
    }
}
