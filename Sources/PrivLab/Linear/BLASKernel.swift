import CBLAS
import Foundation

/// Which of OpenBLAS's CPU-specific kernel sets the process uses, and which ones this CPU could load.
///
/// OpenBLAS picks its kernels when the library loads ("Cooperlake" or "SkylakeX" on AVX-512 AMD
/// EPYC machines, "Zen" or "Haswell" on AVX2-only ones); `OPENBLAS_CORETYPE` overrides the choice,
/// and a set whose instructions the CPU lacks dies with SIGILL at the first product. PrivLab's
/// results are bit-identical for any thread count under every set (see `BLASThreads`), but two sets
/// round differently from each other: the same notebook gives the same bits on the same machine.
public enum BLASKernel {
    /// OpenBLAS's name for the kernel set in use ("Cooperlake", "Haswell", …).
    public static var name: String { String(cString: openblas_get_corename()) }

    /// The instruction-set extensions each x86-64 kernel set of OpenBLAS needs (its
    /// `driver/others/dynamic.c` checks the same), by the names Linux gives them in /proc/cpuinfo
    /// (where SSE3 is "pni", Prescott New Instructions).
    public static let requirements: [String: Set<String>] = [
        "Prescott": ["pni"],
        "Nehalem": ["pni", "ssse3", "sse4_2"],
        "Sandybridge": ["avx"],
        "Haswell": ["avx", "avx2", "fma"],
        "Zen": ["avx", "avx2", "fma"],
        "SkylakeX": ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"],
        "Cooperlake": ["avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx512_bf16"],
    ]

    /// The kernel sets of `requirements` this CPU can run, sorted by name, with the reason each
    /// other one cannot ("SkylakeX: no avx512f").
    public static func loadableSets() -> (loadable: [String], missing: [String: String]) {
        let flags = CPUInfo.flags
        var ok = [String](), missing = [String: String]()
        for (set, needs) in requirements {
            let lacking = needs.subtracting(flags).sorted()
            if lacking.isEmpty { ok.append(set) } else { missing[set] = "no " + lacking.joined(separator: ", ") }
        }
        return (ok.sorted(), missing)
    }
}

/// What the CPU is: its model name and feature flags, as Linux reports them (empty elsewhere).
/// Benchmarks print the model beside every figure; tests skip what the CPU cannot run.
public enum CPUInfo {
    static let cpuinfo: String = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""

    static func field(_ name: String) -> String? {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix(name) {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// "AMD EPYC 9R14 …", or "unknown CPU".
    public static let model: String = field("model name") ?? "unknown CPU"

    /// Feature flags ("avx2", "avx512f", …).
    public static let flags: Set<String> = Set((field("flags") ?? "").split(separator: " ").map(String.init))

    /// One line for benchmark output: model, AVX-512 or not, OpenBLAS kernel set, threads.
    public static var summary: String {
        let vector = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2, no AVX-512" : "no AVX2"
        return "\(model) (\(vector)); OpenBLAS kernels \(BLASKernel.name); \(BLASThreads.count) thread(s)"
    }
}
