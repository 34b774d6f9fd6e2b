import Foundation
import XCTest

/// The engine's layers (issue 27, item 4; README "Architecture"): each area of `Sources/PrivLab`
/// may use the types of its own area and of the areas below it, never those above, and the areas
/// of one level use each other without a cycle. Read from the sources: a type belongs to the area
/// whose folder declares it at the top level of a file; an area uses a type when the type's name
/// appears in its code outside comments and string literals.
final class LayeringTests: XCTestCase {
    /// Lower levels first. Storage is the composition root: it names every storable type.
    static let levels: [[String]] = [
        ["Support", "Linear"],
        ["Data"],
        ["Privacy", "Models", "Report"],
        ["Attacks", "Defenses", "Leakage", "Unlearning", "Synthesis", "Federated", "Anonymization"],
        ["Storage"],
    ]

    func testNoAreaUsesATypeOfAHigherLayerAndNoCycleWithinALevel() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/PrivLab")
        let files = try Self.swiftFiles(root)
        XCTAssertGreaterThan(files.count, 100, "the engine's sources were not found at \(root.path)")
        let level = Dictionary(uniqueKeysWithValues: Self.levels.enumerated().flatMap { i, areas in areas.map { ($0, i) } })

        var owner = [String: String]()
        var code = [(area: String, file: String, text: String)]()
        for (area, url) in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertNotNil(level[area], "\(url.lastPathComponent): area \(area) is in no layer of this test")
            for name in Self.topLevelTypes(text) where owner[name] == nil { owner[name] = area }
            code.append((area, url.lastPathComponent, Self.strippingCommentsAndStrings(text)))
        }

        var upward = [String]()
        var sameLevel = [String: Set<String>]()
        for f in code {
            guard let mine = level[f.area] else { continue }
            for name in Self.capitalisedWords(f.text) {
                guard let theirs = owner[name], theirs != f.area, let l = level[theirs] else { continue }
                if l > mine { upward.append("\(f.area)/\(f.file) uses \(theirs)'s \(name)") }
                if l == mine { sameLevel[f.area, default: []].insert(theirs) }
            }
        }
        XCTAssertEqual(upward, [], "upward uses")
        // A cycle among areas of one level: depth-first search over the same-level edges.
        for start in sameLevel.keys.sorted() {
            var stack = Array(sameLevel[start] ?? []), seen = Set<String>()
            while let a = stack.popLast() {
                XCTAssertNotEqual(a, start, "\(start) reaches itself through areas of its own level: \(sameLevel)")
                if a == start || !seen.insert(a).inserted { continue }
                stack += sameLevel[a] ?? []
            }
        }
    }

    /// The check itself: an upward use in a snippet is found, a name in a comment or string is not.
    func testTheReaderSeesCodeNotCommentsOrStrings() {
        let text = "/// uses PATE\nlet s = \"PATE's bound\" // PATE\nlet x = LogSpace.add(1, 2)\n"
        XCTAssertEqual(Self.capitalisedWords(Self.strippingCommentsAndStrings(text)), ["LogSpace"])
        XCTAssertEqual(Self.topLevelTypes("public final class A: B {\n    enum Nested {}\n}\nstruct C {}\n"), ["A", "C"])
    }

    static func swiftFiles(_ root: URL) throws -> [(String, URL)] {
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var out = [(String, URL)]()
        for case let u as URL in e where u.pathExtension == "swift" {
            let parts = u.path.dropFirst(root.path.count + 1).split(separator: "/")
            if parts.count >= 2 { out.append((String(parts[0]), u)) }
        }
        return out.sorted { $0.1.path < $1.1.path }
    }

    /// Types declared at column 0 (nested types share names across areas: `Options`, `Kind`).
    static func topLevelTypes(_ text: String) -> [String] {
        let re = try! NSRegularExpression(pattern: #"^(?:(?:public|final|internal|open|indirect)\s+)*(?:class|struct|enum|protocol|actor|typealias)\s+([A-Z]\w*)"#,
                                          options: .anchorsMatchLines)
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    static func strippingCommentsAndStrings(_ text: String) -> String {
        var t = text.replacingOccurrences(of: #"//[^\n]*"#, with: "", options: .regularExpression)
        t = t.replacingOccurrences(of: #"/\*[\s\S]*?\*/"#, with: "", options: .regularExpression)
        t = t.replacingOccurrences(of: #""""[\s\S]*?""""#, with: "\"\"", options: .regularExpression)
        return t.replacingOccurrences(of: #""(?:[^"\\\n]|\\.)*""#, with: "\"\"", options: .regularExpression)
    }

    static func capitalisedWords(_ text: String) -> Set<String> {
        let re = try! NSRegularExpression(pattern: #"\b[A-Z]\w*\b"#)
        let ns = text as NSString
        return Set(re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) })
    }
}
