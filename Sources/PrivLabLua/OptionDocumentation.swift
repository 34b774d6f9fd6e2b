import Foundation
import PrivLab

/// What every `pl` function accepts, read from the declarations the bindings define their
/// functions with (`FunctionDeclaration`): `privlab doc`, `pl.doc`, `privlab stubs` and the
/// bad-value suite are written from them, so none of them can drift from what the bindings
/// validate. Nothing is learnt by running a binding or reading its error messages. Functions of
/// the Lua-side library (lua/privlab/*.lua) are declared in `LuaLibraryDeclarations`; one
/// without a declaration is listed by name.
public struct OptionDocumentation {
    public struct Function {
        /// What the function is and accepts.
        public var declaration: FunctionDeclaration
        public var path: String { declaration.path }
        public var options: [OptionSpec] { declaration.options }
        /// Declared (false: a function of the Lua-side library without a declaration, known by name only).
        public var declared: Bool
        /// Options a real call must give: the required ones.
        public var needs: [String] { options.filter(\.isRequired).map(\.key) }
    }
    public var functions: [Function]
    /// Lua classes (objects the functions return) and their methods.
    public var classes: [String: [String]]
    /// Declarations of methods by "Class.method".
    public var methods: [String: FunctionDeclaration] = [:]

    /// Every function of a fresh runtime, as declared.
    public static func collect() throws -> OptionDocumentation {
        let rt = try Runtime(options: RuntimeOptions(), sink: ConsoleSink(figureDirectory: NSTemporaryDirectory(), out: { _ in }))
        var out = [Function]()
        for path in rt.modulePaths.sorted() where !path.hasPrefix("_") {
            guard let d = rt.declarations[path] else {
                throw LuaError("pl.\(path) has no declaration: define it with a FunctionDeclaration (or add it to CoreDeclarations.positional)")
            }
            out.append(Function(declaration: d, declared: true))
        }
        // Functions of the Lua-side library (lua/privlab/*.lua), declared in LuaLibraryDeclarations.
        let walked = try rt.run(OptionDocumentation.walk, chunkName: "=doc")
        if case .string(let names)? = walked.first {
            let known = Set(out.map(\.path))
            for n in names.split(separator: " ").map(String.init) where !known.contains(n) && !n.hasPrefix("_") {
                let d = rt.declarations[n]
                out.append(Function(declaration: d ?? FunctionDeclaration(n, ""), declared: d != nil))
            }
        }
        out.sort { $0.path < $1.path }
        let methods = rt.declarations.filter { $0.value.isMethod }
        return OptionDocumentation(functions: out, classes: rt.lua.registeredClasses, methods: methods)
    }

    /// Lua that lists every function under `pl` by dotted path.
    public static let walk = """
        local out = {}
        local function walk(t, prefix, seen)
          if seen[t] then return end
          seen[t] = true
          for k, v in pairs(t) do
            if type(k) == "string" then
              if type(v) == "function" then out[#out + 1] = prefix .. k elseif type(v) == "table" then walk(v, prefix .. k .. ".", seen) end
            end
          end
        end
        walk(pl, "", {})
        table.sort(out)
        return table.concat(out, " ")
        """

    /// `.luarc.json` pointing the Lua Language Server at the stubs.
    public static func luarc(stubDirectory: String) -> String {
        """
        {
          "runtime.version": "Lua 5.4",
          "workspace.library": ["\(stubDirectory)"],
          "diagnostics.globals": ["pl"]
        }

        """
    }
}
