import Foundation

/// The similarity report as one self-contained HTML page: the flagged pairs in a table, then each
/// pair's matching regions side by side with line numbers. Everything from a submission is
/// escaped; no scripts, no external resources (the same Content-Security-Policy as the notebook
/// pages), so a hostile submission cannot run anything in the instructor's browser.
public enum SimilarityHTML {
    static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.45;max-width:80rem;margin:0 auto;padding:1rem;color:#1d1d1f}
    table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left}
    td.num{text-align:right;font-variant-numeric:tabular-nums}.flag{color:#a40e26;font-weight:600}
    .pair{border-top:2px solid #d0d7de;margin-top:1.5rem}.region{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin:.75rem 0}
    .side{min-width:0}.side h4{margin:.25rem 0;font-size:.85rem;color:#57606a}pre{background:#fff8c5;padding:.5rem;overflow-x:auto;border-radius:6px;font-size:.8rem;margin:0}
    .ln{color:#8c959f;user-select:none}code{font-family:ui-monospace,Menlo,Consolas,monospace}.note{color:#57606a;font-size:.9rem}
    @media (max-width:50rem){.region{grid-template-columns:1fr}}
    """

    /// The most regions shown per pair (the largest first); the rest are counted.
    static let regionsShown = 12
    /// Flagged pairs whose regions are shown (the most similar first; the table lists them all).
    static let pairsDetailed = 100
    /// Unflagged pairs listed for context (the closest below the threshold).
    static let closestShown = 10

    public static func render(_ r: SimilarityResult) -> String {
        let o = r.options
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        h += "<title>Similar submissions</title>\n<style>\(style)</style></head><body>\n<h1>Similar submissions</h1>\n"
        h += "<p class=\"note\">\(r.submissions.count) submissions compared by winnowed fingerprints of normalised Lua tokens "
        h += "(names, numbers and strings each one class; whitespace and comments dropped): k = \(o.kgram) tokens, window w = \(o.window), "
        h += "so every shared run of \(o.guaranteeThreshold) tokens or more is found (Schleimer, Wilkerson &amp; Aiken, SIGMOD 2003). "
        h += r.templateName.map { "Code of the hand-out <code>\(esc($0))</code> is ignored. " } ?? "No hand-out template was given: code every student received counts as shared. "
        h += "Fingerprints found in more than \(o.maximumOccurrences) submissions are ignored. "
        h += "A pair is flagged at \(Int((o.threshold * 100).rounded()))% of either submission's fingerprints shared (and at least \(o.minimumShared)). "
        h += "Similarity is evidence for a conversation, not a verdict.</p>\n"
        let flagged = r.flagged
        h += "<h2>\(flagged.count) flagged pair\(flagged.count == 1 ? "" : "s")</h2>\n"
        if !flagged.isEmpty { h += pairTable(flagged, r, links: true) }
        let closest = r.pairs.filter { !$0.flagged }.prefix(closestShown)
        if !closest.isEmpty {
            h += "<h2>Closest pairs below the threshold</h2>\n" + pairTable(Array(closest), r, links: false)
        }
        for (i, p) in flagged.prefix(pairsDetailed).enumerated() { h += pairSection(p, index: i + 1, r) }
        if flagged.count > pairsDetailed {
            h += "<p class=\"note\">The regions of the \(pairsDetailed) most similar pairs are shown; \(flagged.count - pairsDetailed) more flagged pairs are in the table.</p>\n"
        }
        return h + "</body></html>\n"
    }

    static func pairTable(_ pairs: [SimilarPair], _ r: SimilarityResult, links: Bool) -> String {
        var h = "<table><tr><th>#</th><th>submission A</th><th>submission B</th><th>A shared</th><th>B shared</th><th>fingerprints</th><th>regions</th></tr>"
        for (i, p) in pairs.enumerated() {
            let n = links && i < pairsDetailed ? "<a href=\"#pair-\(i + 1)\">\(i + 1)</a>" : "\(i + 1)"
            h += "<tr><td>\(n)</td><td>\(esc(r.submissions[p.a].name))</td><td>\(esc(r.submissions[p.b].name))</td>"
            h += "<td class=\"num\">\(percent(p.fractionA))</td><td class=\"num\">\(percent(p.fractionB))</td>"
            h += "<td class=\"num\">\(p.shared)</td><td class=\"num\">\(p.flagged ? "\(p.regions.count)" : "")</td></tr>"
        }
        return h + "</table>\n"
    }

    static func pairSection(_ p: SimilarPair, index: Int, _ r: SimilarityResult) -> String {
        let a = r.submissions[p.a], b = r.submissions[p.b]
        var h = "<section class=\"pair\" id=\"pair-\(index)\"><h3>\(index). <code>\(esc(a.name))</code> and <code>\(esc(b.name))</code></h3>\n"
        h += "<p><span class=\"flag\">\(percent(p.fractionA)) of A's and \(percent(p.fractionB)) of B's fingerprints shared</span> (\(p.shared) fingerprints, \(p.regions.count) region\(p.regions.count == 1 ? "" : "s")).</p>\n"
        for region in p.regions.prefix(regionsShown) {
            h += "<div class=\"region\">" + side(a, region.linesA, label: "A") + side(b, region.linesB, label: "B") + "</div>\n"
        }
        if p.regions.count > regionsShown { h += "<p class=\"note\">\(p.regions.count - regionsShown) smaller regions not shown.</p>\n" }
        return h + "</section>\n"
    }

    static func side(_ s: SubmissionFingerprints, _ lines: ClosedRange<Int>, label: String) -> String {
        let text = s.lines(lines).enumerated().map { i, l in
            "<span class=\"ln\">\(String(format: "%4d", lines.lowerBound + i))  </span>\(esc(l))"
        }.joined(separator: "\n")
        return "<div class=\"side\"><h4>\(label): \(esc(s.name)), lines \(lines.lowerBound)–\(lines.upperBound)</h4><pre><code>\(text)</code></pre></div>"
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
    static func esc(_ s: String) -> String { MarkdownHTML.escape(s) }
}
