import Foundation
import PrivLab

/// Gradescope's autograder format (`autograder.zip`, unpacked into `/autograder/source`):
/// `setup.sh` runs once when the image is built, `run_autograder` for each submission and writes
/// `/autograder/results/results.json`. The bundle carries this `privlab` binary with the Swift
/// libraries it links — the same set `make dist` ships (scripts/make-dist.sh): the Swift runtime,
/// OpenBLAS, Lua 5.4, libgfortran; only the C and C++ runtimes come from the image — the Lua
/// library and data beside it, and the instructor's assignment; `setup.sh` installs only
/// Fashion-MNIST (`dataset-fashion-mnist`, in `FashionMNIST.defaultDirectory`), where the image's
/// apt has it and the bundle's data/ does not carry it. Choose Gradescope's Ubuntu 24.04 base image: the binary
/// needs a C library at least as new as the one it was built with. `AUTOGRADER_ROOT` moves
/// `/autograder` (for testing the bundle away from Gradescope).
public enum GradescopeBundle {
    static let setup = """
    #!/usr/bin/env bash
    # Gradescope setup (runs once, as root, when the autograder image is built).
    set -euo pipefail
    ROOT="${AUTOGRADER_ROOT:-/autograder}"
    # The libraries (Swift runtime, OpenBLAS, Lua, libgfortran) travel in privlab/lib: nothing to install.
    missing=()
    # Fashion-MNIST for pl.data.fashion_mnist (the course notebooks' data set, and any assignment
    # built on them): Debian's dataset-fashion-mnist puts the files where PrivLab looks for them
    # (FashionMNIST.defaultDirectory: $PRIVLAB_FASHION_MNIST, else /usr/share/datasets/fashion-mnist).
    # It is installed only where the image's apt knows it: an image without it still grades every
    # assignment that does not load Fashion-MNIST, so its absence is a warning saying where the
    # files go instead, not a failed setup.
    data_package=dataset-fashion-mnist
    data_dir="${PRIVLAB_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
    bundled="$ROOT/source/privlab/data/fashion-mnist"
    if [ ! -e "$data_dir/train-images-idx3-ubyte.gz" ] && [ ! -e "$bundled/train-images-idx3-ubyte.gz" ]; then missing+=("$data_package"); fi
    if ((${#missing[@]})); then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q
      if [[ " ${missing[*]} " == *" $data_package "* ]] && ! apt-cache show "$data_package" >/dev/null 2>&1; then
        echo "setup.sh: warning: apt has no $data_package on this image: pl.data.fashion_mnist will need" \
             "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and" \
             "t10k-labels-idx1-ubyte.gz in $data_dir" >&2
        kept=()
        for p in "${missing[@]}"; do [ "$p" = "$data_package" ] || kept+=("$p"); done
        missing=("${kept[@]}")
      fi
      if ((${#missing[@]})); then apt-get install -y -q --no-install-recommends "${missing[@]}"; fi
    fi
    chmod +x "$ROOT/source/privlab/bin/privlab" "$ROOT/source/run_autograder"
    LD_LIBRARY_PATH="$ROOT/source/privlab/lib" "$ROOT/source/privlab/bin/privlab" --version

    """

    static let run = """
    #!/usr/bin/env bash
    # Gradescope grading of one submission: the first .lua file the student uploaded.
    set -uo pipefail
    ROOT="${AUTOGRADER_ROOT:-/autograder}"
    mkdir -p "$ROOT/results"
    shopt -s nullglob
    files=("$ROOT"/submission/*.lua "$ROOT"/submission/*/*.lua)
    if ((${#files[@]} == 0)); then
      printf '%s\\n' '{"score": 0, "output": "No .lua file was submitted: upload your assignment file.", "tests": []}' > "$ROOT/results/results.json"
      exit 0
    fi
    export LD_LIBRARY_PATH="$ROOT/source/privlab/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export PRIVLAB_HOME="$ROOT/source/privlab"
    "$ROOT/source/privlab/bin/privlab" grade "$ROOT/source/assignment" "${files[0]}" \\
      --json "$ROOT/results/results.json" -o "$ROOT/results/report.md"
    status=$?
    if [ ! -s "$ROOT/results/results.json" ]; then
      printf '%s\\n' "{\\"score\\": 0, \\"output\\": \\"The autograder failed (exit $status); contact the course staff.\\", \\"tests\\": []}" > "$ROOT/results/results.json"
    fi
    exit 0

    """

    /// Writes `<output>/autograder.zip` from an instructor bundle (the folder `assign build`
    /// writes) and this executable; returns its path.
    public static func write(instructorDirectory: String, executable: String, output: String) throws -> String {
        var zip = ZipArchive()
        func file(_ path: String) throws -> [UInt8] {
            guard let d = FileManager.default.contents(atPath: path) else { throw LuaError("gradescope: cannot read \(path)") }
            return [UInt8](d)
        }
        try zip.add("setup.sh", Array(setup.utf8), executable: true)
        try zip.add("run_autograder", Array(run.utf8), executable: true)
        for f in ["assignment.lua", "README.md", "manifest.json"] {
            try zip.add("assignment/\(f)", try file("\(instructorDirectory)/\(f)"))
        }
        try zip.add("privlab/bin/privlab", try file(executable), executable: true)
        for lib in try runtimeLibraries(executable) {
            try zip.add("privlab/lib/\(URL(fileURLWithPath: lib).lastPathComponent)", try file(lib))
        }
        guard let lua = LibraryLocation.luaRoot() else { throw LuaError("gradescope: the lua/ library folder was not found") }
        for (root, prefix) in [(lua, "privlab/lua")] + (LibraryLocation.dataRoot().map { [($0, "privlab/data")] } ?? []) {
            let items = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
            for rel in items {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: "\(root)/\(rel)", isDirectory: &isDir), !isDir.boolValue else { continue }
                try zip.add("\(prefix)/\(rel)", try file("\(root)/\(rel)"))
            }
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let path = "\(output)/autograder.zip"
        try AtomicFile.write(zip.data(), to: path)
        return path
    }

    /// The shared libraries the executable loads that a base image may lack, as `ldd` resolves
    /// them: all but the C library, libm, zlib and the C++ runtime (the rule of scripts/make-dist.sh).
    static func runtimeLibraries(_ executable: String) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        p.arguments = [executable]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let base = ["linux-vdso", "ld-linux", "libc.so", "libm.so", "libz.so", "libstdc++.so", "libgcc_s.so", "libpthread.so", "libdl.so", "librt.so"]
        return text.split(separator: "\n").compactMap { line -> String? in
            guard let arrow = line.range(of: "=> ") else { return nil }
            let soname = line[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
            let path = line[arrow.upperBound...].split(separator: " ").first.map(String.init) ?? ""
            return path.hasPrefix("/") && !base.contains(where: { soname.hasPrefix($0) }) ? path : nil
        }.sorted()
    }
}
