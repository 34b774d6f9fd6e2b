import PrivLab

/// The declarations of the `pl` functions written in Lua (lua/privlab/init.lua and curves.lua):
/// what `privlab doc` and the stubs say of them, kept here beside the others (the Lua files point
/// here rather than repeat it). `OptionDocumentation.collect` reads them for the functions it
/// finds under `pl` that the bindings did not define.
enum LuaLibraryDeclarations {
    static let all: [FunctionDeclaration] = [
        FunctionDeclaration("params", "declares the notebook's parameters and their defaults; `privlab run -P name=value` overrides them and the report lists the values used",
                            arguments: [ArgumentSpec("defaults", "table",
                                                     "{name = default, …}: each default a number, string or boolean (an override is converted to its type); a seed parameter also seeds math.random, so scripts that use it stay reproducible")],
                            returns: "table",
                            resultFields: [ResultField("<name>", "number|string|boolean", "each parameter's value: its default, or the -P override")]),
        FunctionDeclaration("spairs", "iterates a table's keys in sorted order (Lua's own pairs order changes from run to run, which would make reports differ)",
                            arguments: [ArgumentSpec("t", "table", "the table (keys of different types are ordered by type name, then by value)")],
                            returns: "fun(): any, any"),
        FunctionDeclaration("inspect", "a readable, deterministic rendering of any value: tables with sorted keys, nested to a depth, cycles marked",
                            arguments: [ArgumentSpec("v", "any", "the value"),
                                        ArgumentSpec("depth", "integer|table", "how deep tables are shown (default 3), or {depth = n}", optional: true)],
                            returns: "string"),
        FunctionDeclaration("time", "calls f(...) and returns its results, reporting its wall-clock seconds as a timing (⏱ label: seconds; left out of report comparisons, the only thing that varies between runs)",
                            arguments: [ArgumentSpec("label", "string", "what is timed"), ArgumentSpec("f", "function", "the function to time"),
                                        ArgumentSpec("...", "any", "f's arguments")],
                            returns: "any ..."),
        FunctionDeclaration("attack.roc_chart", "ROC curves of membership-inference results as one chart in the report, with the chance diagonal",
                            arguments: [ArgumentSpec("chart", "table",
                                                     "{ {name = \"loss\", result = r1}, …, title = \"ROC\", log = true, name = <the figure's file name> }: one entry per curve, result being the table attack:evaluate returned; log = true (the default; Carlini et al.'s convention) makes both axes logarithmic, which shows the low-FPR regime that matters (points at zero cannot be drawn there and are left out)")]),
        FunctionDeclaration("defense.accuracy_at", "a defense's accuracy at an attack risk, read off its (risk, accuracy) curve by linear interpolation; nil when the curve never reaches that risk",
                            arguments: [ArgumentSpec("points", "table[]",
                                                     "the curve's points in order (e.g. undefended first, then stronger settings), each a table holding a risk and an accuracy; where the curve crosses the risk more than once, the highest accuracy is read"),
                                        ArgumentSpec("risk", "number", "the attack risk to read the accuracy at"),
                                        ArgumentSpec("opts", "table", "{risk = \"risk\", accuracy = \"accuracy\"}: the points' fields holding them", optional: true)],
                            returns: "number|nil"),
    ]
}
