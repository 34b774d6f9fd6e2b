import Foundation

/// Finds the project's `lua/` folder (the Lua-side library and bundled plugins).
///
/// Order: `$PRIVLAB_HOME/lua`; the source tree this binary was built from; then the folders above
/// the executable. The first that holds `privlab/init.lua` wins.
public enum LibraryLocation {
    public static func luaRoot() -> String? {
        var candidates = [String]()
        if let home = ProcessInfo.processInfo.environment["PRIVLAB_HOME"] { candidates.append("\(home)/lua") }
        // The folders above the executable come before the source tree, so that an unpacked release
        // (`make dist`: bin/privlab beside lua/) uses its own library even where the tree it was
        // built from still exists; a development build (.build/<triple>/release/privlab) finds the
        // tree's lua/ by the same walk.
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("lua").path)
            dir = dir.deletingLastPathComponent()
        }
        // Sources/PrivLabLua/LibraryLocation.swift → <root>/lua
        let src = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(src.appendingPathComponent("lua").path)
        candidates.append(FileManager.default.currentDirectoryPath + "/lua")
        return candidates.first { FileManager.default.fileExists(atPath: "\($0)/privlab/init.lua") }
    }

    /// The project's `data/` folder (bundled data sets): next to the `lua/` folder found above.
    public static func dataRoot() -> String? {
        guard let lua = luaRoot() else { return nil }
        let dir = URL(fileURLWithPath: lua).deletingLastPathComponent().appendingPathComponent("data").path
        return FileManager.default.fileExists(atPath: dir + "/README.md") ? dir : nil
    }

    /// Fashion-MNIST shipped with a release (`data/fashion-mnist/`, see scripts/make-dist.sh), if
    /// this installation has it.
    public static func bundledFashionMNIST() -> String? {
        guard let data = dataRoot() else { return nil }
        let dir = data + "/fashion-mnist"
        return FileManager.default.fileExists(atPath: dir + "/train-images-idx3-ubyte.gz") ? dir : nil
    }

    /// Plugin folders, in search order: `$PRIVLAB_PATH` (colon-separated), `~/.privlab/plugins`, the
    /// project's `lua/plugins`.
    public static func pluginPath() -> [String] {
        var dirs = [String]()
        if let p = ProcessInfo.processInfo.environment["PRIVLAB_PATH"] {
            dirs += p.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if let home = ProcessInfo.processInfo.environment["HOME"] { dirs.append("\(home)/.privlab/plugins") }
        if let root = luaRoot() { dirs.append("\(root)/plugins") }
        return dirs
    }
}
