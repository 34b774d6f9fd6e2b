import PrivLab

/// `privlab doc` and `pl.doc`: the index, one function's or method's page, written from declarations.
extension OptionDocumentation {
    /// `privlab doc` alone: every function and class, one line each.
    public func index() -> String {
        var s = "Functions (privlab doc <name> for one; e.g. privlab doc mlp):\n"
        let width = functions.map(\.path.count).max() ?? 0
        for f in functions {
            // An options table alone reads pl.f{…}; positional arguments (or none) pl.f(…).
            let shape = f.options.isEmpty || !f.declaration.arguments.isEmpty ? "(…)" : "{…}"
            let name = ("pl." + f.path + shape).padding(toLength: width + 6, withPad: " ", startingAt: 0)
            s += "  \(name)  \(f.declaration.summary)".trimmingTrailingSpaces() + "\n"
        }
        s += "Classes (privlab doc <Class>.<method>; e.g. privlab doc Dataset.split):\n"
        for c in classes.keys.sorted() {
            s += "  \(c): " + classes[c]!.filter { !$0.hasPrefix("__") }.joined(separator: ", ") + "\n"
        }
        return s
    }

    /// One function's (`mlp`, `pl.mlp`) or method's (`Dataset.split`) page; a misspelt name gets a suggestion.
    public func text(for name: String) throws -> String {
        if name.isEmpty { return index() }
        let path = name.hasPrefix("pl.") ? String(name.dropFirst(3)) : name
        if let m = methods[path] { return Self.page(m, declared: true) }
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let ms = classes[parts[0]] {
            guard ms.contains(parts[1]) else {
                let near = LuaOptions.nearest(parts[1], in: ms).map { " — did you mean \(parts[0]).\($0)?" } ?? ""
                throw LuaError("doc: class \(parts[0]) has no method \(parts[1])\(near)")
            }
            return "\(parts[0]):\(parts[1])(…)\n"
        }
        if let ms = classes[path] {
            return "\(path): a Lua object with the methods " + ms.filter { !$0.hasPrefix("__") }.joined(separator: ", ")
                + " (privlab doc \(path).<method>)\n"
        }
        guard let f = functions.first(where: { $0.path == path }) else {
            let near = LuaOptions.nearest(path, in: functions.map(\.path)).map { " — did you mean pl.\($0)?" } ?? ""
            throw LuaError("doc: no function pl.\(path)\(near)")
        }
        return Self.page(f.declaration, declared: f.declared)
    }

    /// The page of one declaration: signature and summary, arguments, options, result.
    static func page(_ d: FunctionDeclaration, declared: Bool) -> String {
        let name = d.isMethod ? d.path.replacingOccurrences(of: ".", with: ":") : "pl." + d.path
        var s: String
        if !declared && d.options.isEmpty { return name + "(…): takes positional arguments (see the README)\n" }
        let args = d.arguments.map(\.name) + (d.options.isEmpty ? [] : ["{…}"])
        s = name + (d.isMethod || !d.arguments.isEmpty || d.options.isEmpty ? "(" + args.joined(separator: ", ") + ")" : "{…}")
        s += d.summary.isEmpty ? "" : ": " + d.summary
        s += "\n"
        if !d.arguments.isEmpty {
            s += "arguments:\n"
            let width = d.arguments.map(\.name.count).max() ?? 0
            for a in d.arguments {
                s += "  " + a.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(a.type)\(a.optional ? ", optional" : ""): \(a.meaning)\n"
            }
        }
        if !d.options.isEmpty {
            s += "options:\n"
            let width = d.options.map(\.key.count).max() ?? 0
            for o in d.options { s += optionLines(o, indent: "  ", width: width) }
        }
        if let r = d.returns { s += "returns: \(r)\n" }
        if !d.resultFields.isEmpty {
            let width = d.resultFields.map(\.key.count).max() ?? 0
            for f in d.resultFields { s += "  " + f.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(f.type): \(f.meaning)\n" }
        }
        return s
    }

    /// One option's line, then its table's fields indented beneath it, as deep as they nest
    /// (`dp.adaptive.target_quantile`).
    static func optionLines(_ o: OptionSpec, indent: String, width: Int) -> String {
        var s = indent + o.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + line(o) + "\n"
        let w = o.fields.map(\.key.count).max() ?? 0
        for f in o.fields { s += optionLines(f, indent: indent + "    ", width: w) }
        return s
    }

    /// "number, default 0.05, > 0: learning rate".
    static func line(_ o: OptionSpec) -> String {
        var s = o.kind.docText
        switch o.presence {
        case .required: s += ", required"
        case .defaulted(let d): s += ", default \(d.luaText)"
        case .optional(let words?): s += ", optional (absent: \(words))"
        case .optional(nil): s += ", optional"
        }
        if let b = o.boundsText { s += (o.kind == .dataset || o.kind == .model ? " — " : ", ") + b }
        if let c = o.only { s += ", only \(c.text)" }
        if !o.meaning.isEmpty { s += ": " + o.meaning }
        return s
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
