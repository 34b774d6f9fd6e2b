import Foundation
import PrivLab

/// The report as a Jupyter notebook (nbformat 4.5): prose as Markdown cells, chunks as code cells
/// with their outputs attached — printed text as a stdout stream, tables as Markdown (with plain
/// text beside), figures as SVG, errors as error outputs — so it opens with its outputs in
/// Jupyter, VS Code and Colab. Keys are sorted so the same run gives the same bytes.
enum NotebookJupyter {
    static func render(_ doc: ReportDocument) throws -> String {
        var cells = [[String: Any]]()
        var header = (doc.title.map { "# \($0)\n\n" } ?? "") + "> " + doc.provenance + "\n"
        if let p = doc.parameters { header += "\n" + p.markdown() }
        func lines(_ s: String) -> [String] {
            // nbformat's multi-line strings: a list of lines, each but the last ending in "\n".
            var parts = s.components(separatedBy: "\n").map { $0 + "\n" }
            if !parts.isEmpty { parts[parts.count - 1].removeLast() }
            if parts.last == "" { parts.removeLast() }
            return parts
        }
        func markdownCell(_ s: String) {
            cells.append(["cell_type": "markdown", "id": "cell-\(cells.count + 1)", "metadata": [String: Any](), "source": lines(s)])
        }
        markdownCell(header)
        var count = 0
        var pendingCode: [String: Any]? = nil
        var outputs = [[String: Any]]()
        func flush() {
            if var c = pendingCode {
                c["outputs"] = outputs
                cells.append(c)
            } else if !outputs.isEmpty {
                // Output without an echoed chunk: attach to an empty code cell.
                count += 1
                cells.append(["cell_type": "code", "id": "cell-\(cells.count + 1)", "metadata": [String: Any](), "source": [String](),
                              "execution_count": count, "outputs": outputs])
            }
            pendingCode = nil
            outputs = []
        }
        if !doc.unreadable {
            for b in doc.blocks {
                switch b {
                case .prose(let p):
                    flush()
                    markdownCell(p)
                case .code(let c):
                    flush()
                    count += 1
                    pendingCode = ["cell_type": "code", "id": "cell-\(cells.count + 1)", "metadata": [String: Any](), "source": lines(c),
                                   "execution_count": count]
                case .output(let o):
                    outputs.append(output(o, count: count, lines))
                case .stopped:
                    flush()
                    markdownCell("> **Execution stopped here.** The rest of the notebook was not run.")
                }
            }
        }
        flush()
        if let e = doc.error { markdownCell("> **Error:** \(e)") }
        let nb: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": ["kernelspec": ["name": "privlab", "display_name": "PrivLab (Lua)", "language": "lua"],
                         "language_info": ["name": "lua", "file_extension": ".lua"],
                         "privlab": ["version": privlabVersion, "notebook": doc.notebookPath]],
        ]
        let data = try JSONSerialization.data(withJSONObject: nb, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func output(_ o: ChunkOutput, count: Int, _ lines: (String) -> [String]) -> [String: Any] {
        func display(_ data: [String: Any]) -> [String: Any] { ["output_type": "display_data", "data": data, "metadata": [String: Any]()] }
        switch o {
        case .text(let t): return ["output_type": "stream", "name": "stdout", "text": lines(t)]
        case .table(let t): return display(["text/markdown": lines(t.markdown()), "text/plain": lines(t.plainText())])
        case .markdown(let m): return display(["text/markdown": lines(m), "text/plain": lines(m)])
        case .figure(_, let title, let svg): return display(["image/svg+xml": lines(NotebookHTML.inlineSVG(svg)), "text/plain": [title]])
        case .timing(let label, let secs):
            return ["output_type": "stream", "name": "stdout", "text": ["⏱ \(label): \(String(format: "%.2f", secs)) s (wall clock, varies between runs)\n"]]
        case .error(let e): return ["output_type": "error", "ename": "LuaError", "evalue": e, "traceback": [e]]
        }
    }
}
