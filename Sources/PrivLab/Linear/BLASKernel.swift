import CBLAS
import CKernels
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

    /// Who chose the kernel set in use.
    public enum Choice: String, Sendable {
        /// OpenBLAS, from the CPU's family and model (`OPENBLAS_CORETYPE` unset).
        case openBLAS = "openblas"
        /// PrivLab's start-up check, from the CPU's features, because OpenBLAS's own choice was
        /// below them (a CPU newer than the library); the process restarted with
        /// `OPENBLAS_CORETYPE` set (Sources/CBLASStartup).
        case features
        /// The user, through `OPENBLAS_CORETYPE`.
        case user

        /// How `privlab system` and the benchmarks say it.
        public var phrase: String {
            switch self {
            case .openBLAS: return "chosen by OpenBLAS"
            case .features: return "chosen by PrivLab's CPU-feature check"
            case .user: return "chosen by the user (OPENBLAS_CORETYPE)"
            }
        }
    }

    /// Who chose the kernel set in use, read from the environment the process started with.
    public static var choice: Choice {
        choice(environment: ProcessInfo.processInfo.environment, running: name)
    }

    /// Who chose, given an environment and the set running: the start-up check marks its choice by
    /// setting `PRIVLAB_BLAS_CHOSEN` to the value it gave `OPENBLAS_CORETYPE`; a set OpenBLAS did
    /// not take (another one runs) was OpenBLAS's choice after all.
    public static func choice(environment env: [String: String], running: String) -> Choice {
        guard let requested = env["OPENBLAS_CORETYPE"] else { return .openBLAS }
        guard let chosen = env["PRIVLAB_BLAS_CHOSEN"], chosen.caseInsensitiveCompare(requested) == .orderedSame else { return .user }
        return chosen.caseInsensitiveCompare(running) == .orderedSame ? .features : .openBLAS
    }

    /// The CPU features that decide the kernel set (the C side's `PL_CPU_*` bits).
    public struct Features: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let avx = Features(rawValue: UInt32(PL_CPU_AVX))
        public static let avx2 = Features(rawValue: UInt32(PL_CPU_AVX2))
        public static let fma = Features(rawValue: UInt32(PL_CPU_FMA))
        /// AVX-512 F, BW, DQ, VL and CD together.
        public static let avx512 = Features(rawValue: UInt32(PL_CPU_AVX512))
        public static let avx512bf16 = Features(rawValue: UInt32(PL_CPU_AVX512_BF16))
        /// An AMD CPU (its AVX2 set is OpenBLAS's Zen).
        public static let amd = Features(rawValue: UInt32(PL_CPU_AMD))

        /// This CPU's, each only where the OS enables it.
        public static var current: Features { Features(rawValue: UInt32(pl_cpu_features())) }
    }

    /// The kernel set `features` call for (nil where none beats the generic SSE sets).
    public static func kernelSet(for features: Features = .current) -> String? {
        pl_blas_set_for_features(features.rawValue).map { String(cString: $0) }
    }

    /// The kernel set this CPU's features call for.
    public static var forFeatures: String? { kernelSet(for: .current) }

    /// The set the start-up check switches to when `current` is below what `features` call for;
    /// nil when `current` is kept. The same C function decides at start-up (Sources/CBLASStartup).
    public static func upgrade(from current: String, features: Features) -> String? {
        pl_blas_upgrade(current, features.rawValue).map { String(cString: $0) }
    }

    /// The vector tier of a kernel set: 3 AVX-512, 2 AVX2, 1 AVX, 0 generic (SSE).
    public static func tier(_ name: String) -> Int { Int(pl_blas_set_tier(name)) }

    /// True when the set in use is below what the CPU's features call for — possible only when the
    /// user chose it or the restart could not happen (the start-up check then warned once).
    public static var belowCPU: Bool { upgrade(from: name, features: .current) != nil }

    /// OpenBLAS's build description ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64").
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// True for a build that carries several kernel sets and honours `OPENBLAS_CORETYPE` (a build
    /// for one CPU has one set and ignores the variable).
    public static var isDynamicArch: Bool { configuration.split(separator: " ").contains("DYNAMIC_ARCH") }

    /// One phrase for reports: "Zen, chosen by OpenBLAS".
    public static var description: String {
        "\(name), \(choice.phrase)" + (belowCPU ? " — below this CPU's \(forFeatures ?? "?") set" : "")
    }

    /// The instruction-set extensions each x86-64 kernel set of OpenBLAS needs (its
    /// `driver/others/dynamic.c` checks the same), by the names Linux gives them in /proc/cpuinfo
    /// (where SSE3 is "pni", Prescott New Instructions).
    public static let requirements: [String: Set<String>] = [
        "Prescott": ["pni"],  // the portable set every x86-64 CPU of this kind runs
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

    /// One line for benchmark output: model, AVX-512 or not, OpenBLAS kernel set and who chose it, threads.
    public static var summary: String {
        "\(model) (\(vectorSummary)); OpenBLAS kernels \(BLASKernel.description); \(BLASThreads.count) thread(s)"
    }

    /// "AVX-512", "AVX2, no AVX-512" or "no AVX2".
    public static var vectorSummary: String {
        flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2, no AVX-512" : "no AVX2"
    }
}
