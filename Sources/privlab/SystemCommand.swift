import ArgumentParser
import CBLASStartup
import CKernels
import Foundation
import PrivLab
import PrivLabLua

/// `privlab system`: what this process computes with — the CPU, OpenBLAS's kernel set and who
/// chose it, threads, the noise kernel — the facts a benchmark or a bug report needs.
struct SystemInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system",
        abstract: "Show the CPU, the OpenBLAS kernel set in use and who chose it, and the thread count.")

    @Flag(help: "One JSON object instead of lines.") var json = false

    func run() throws {
        _ = pl_blas_startup_linked()
        let facts: [(String, String)] = [
            ("version", privlabVersion),
            ("cpu", CPUInfo.model),
            ("vector", CPUInfo.vectorSummary),
            ("blas_kernels", BLASKernel.name),
            ("blas_choice", BLASKernel.choice.rawValue),
            ("blas_for_cpu", BLASKernel.forFeatures ?? "none (no AVX)"),
            ("blas_config", BLASKernel.configuration),
            ("threads", "\(BLASThreads.count)"),
            ("noise_kernel", GaussianNoise.kernelName),
        ]
        if json {
            let object = Dictionary(uniqueKeysWithValues: facts)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("privlab \(privlabVersion)")
        print("CPU            \(CPUInfo.model) (\(CPUInfo.vectorSummary))")
        print("BLAS kernels   \(BLASKernel.description)")
        print("for this CPU   \(BLASKernel.forFeatures ?? "no AVX: OpenBLAS's generic sets")")
        print("OpenBLAS       \(BLASKernel.configuration)")
        print("threads        \(BLASThreads.count)")
        print("noise kernel   \(GaussianNoise.kernelName)")
    }
}
