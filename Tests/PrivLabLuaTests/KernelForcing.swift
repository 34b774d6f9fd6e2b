import Foundation
import PrivLab

/// Whether a test can force one of OpenBLAS's kernel sets with `OPENBLAS_CORETYPE` here.
///
/// Two preconditions, neither a property of PrivLab: the CPU must have the set's instructions
/// (forcing one it lacks dies with SIGILL at the first product), and the library must be a
/// DYNAMIC_ARCH build — one that carries several kernel sets and reads `OPENBLAS_CORETYPE` when it
/// loads; a build for one CPU has one set and ignores the variable. Where either is missing a test
/// skips with the reason. Where both hold, a set other than the one asked for is a failure: the
/// variable did not reach OpenBLAS (PrivLab's own process setup lost or replaced it).
enum KernelForcing {
    /// How this OpenBLAS was built ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64").
    /// The tests link the same library as `privlab` (both from this package's build).
    static var openBLASConfig: String { BLASKernel.configuration }

    /// True for a build that carries several kernel sets and honours `OPENBLAS_CORETYPE`.
    static var dynamicArch: Bool { BLASKernel.isDynamicArch }

    /// Why `set` cannot be forced in this process's environment, or nil when it can.
    static func whyNot(_ set: String) -> String? {
        #if arch(x86_64)
        let (loadable, missing) = BLASKernel.loadableSets()
        guard loadable.contains(set) else {
            return "this CPU cannot run OpenBLAS's \(set) kernels (\(missing[set] ?? "not a known x86-64 set")); \(CPUInfo.model)"
        }
        guard dynamicArch else {
            return "this OpenBLAS is not a DYNAMIC_ARCH build (\(openBLASConfig)): it has one kernel set and ignores OPENBLAS_CORETYPE"
        }
        return nil
        #else
        return "OpenBLAS's \(set) kernels are x86-64 kernels; this machine is not x86-64"
        #endif
    }
}
