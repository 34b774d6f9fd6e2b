import CBLASStartup
import Foundation
import PrivLab
import XCTest

/// The kernel-set decision of the start-up check (Sources/CBLASStartup), as a table: OpenBLAS's
/// choice is replaced only when it is below what the CPU's features call for, and who chose is read
/// back from the environment. The restart itself runs in `BLASChoiceCLITests` (a process each).
final class BLASKernelTests: XCTestCase {
    let avx512: BLASKernel.Features = [.avx, .avx2, .fma, .avx512]
    let avx2: BLASKernel.Features = [.avx, .avx2, .fma]

    /// The machine: an Intel Xeon newer than Debian 12's OpenBLAS gets Prescott.
    func testGenericSetsAreUpgradedToWhatTheFeaturesCallFor() {
        XCTAssertEqual(pl_blas_startup_linked(), 1)
        XCTAssertEqual(BLASKernel.upgrade(from: "Prescott", features: avx512), "SkylakeX")
        XCTAssertEqual(BLASKernel.upgrade(from: "Prescott", features: avx512.union(.avx512bf16)), "Cooperlake")
        XCTAssertEqual(BLASKernel.upgrade(from: "prescott", features: avx2), "Haswell", "names compare case-insensitively")
        XCTAssertEqual(BLASKernel.upgrade(from: "Nehalem", features: avx2.union(.amd)), "Zen")
        for generic in ["Core2", "Atom", "Katmai", "Barcelona", "Unknown", "Penryn", "Opteron(SSE3)"] {
            XCTAssertEqual(BLASKernel.upgrade(from: generic, features: avx512), "SkylakeX", generic)
        }
        XCTAssertEqual(BLASKernel.upgrade(from: "Core2", features: [.avx]), "Sandybridge")
        // An AVX-512 CPU that OpenBLAS half-knows (an AVX2 set) gets its AVX-512 set.
        XCTAssertEqual(BLASKernel.upgrade(from: "Haswell", features: avx512), "SkylakeX")
        XCTAssertEqual(BLASKernel.upgrade(from: "Excavator", features: avx2.union(.amd)), "Zen")
    }

    /// OpenBLAS's own choice stands wherever it matches the features (the AMD machines: unchanged).
    func testSetsAtTheFeaturesTierAreKept() {
        XCTAssertNil(BLASKernel.upgrade(from: "Zen", features: avx2.union(.amd)))
        XCTAssertNil(BLASKernel.upgrade(from: "Haswell", features: avx2.union(.amd)), "same tier: OpenBLAS's call")
        XCTAssertNil(BLASKernel.upgrade(from: "Cooperlake", features: avx512.union([.avx512bf16, .amd])))
        XCTAssertNil(BLASKernel.upgrade(from: "SkylakeX", features: avx512.union(.avx512bf16)))
        XCTAssertNil(BLASKernel.upgrade(from: "SapphireRapids", features: avx512))
        XCTAssertNil(BLASKernel.upgrade(from: "Sandybridge", features: [.avx]))
        XCTAssertNil(BLASKernel.upgrade(from: "Prescott", features: []), "no AVX: nothing better to load")
        // AVX-512 without AVX2/FMA reported (a broken hypervisor mask) is not trusted with SkylakeX.
        XCTAssertEqual(BLASKernel.kernelSet(for: [.avx, .avx512]), "Sandybridge")
        XCTAssertEqual(BLASKernel.kernelSet(for: avx2.union(.avx512bf16)), "Haswell", "BF16 alone is not AVX-512")
    }

    func testTiers() {
        XCTAssertEqual(["Prescott", "Sandybridge", "Haswell", "Zen", "SkylakeX", "cooperlake", "Bulldozer", "nonsense"].map(BLASKernel.tier),
                       [0, 1, 2, 2, 3, 3, 1, 0])
    }

    /// Who chose: unset → OpenBLAS; the start-up check's mark equal to the variable and the set
    /// running → the check; any other value → the user (never overridden).
    func testChoiceFromTheEnvironment() {
        XCTAssertEqual(BLASKernel.choice(environment: [:], running: "Zen"), .openBLAS)
        XCTAssertEqual(BLASKernel.choice(environment: ["OPENBLAS_CORETYPE": "SkylakeX", "PRIVLAB_BLAS_CHOSEN": "SkylakeX"],
                                         running: "SkylakeX"), .features)
        XCTAssertEqual(BLASKernel.choice(environment: ["OPENBLAS_CORETYPE": "Haswell", "PRIVLAB_BLAS_CHOSEN": "SkylakeX"],
                                         running: "Haswell"), .user, "a user's value after a restarted parent")
        XCTAssertEqual(BLASKernel.choice(environment: ["OPENBLAS_CORETYPE": "Haswell"], running: "Haswell"), .user)
        XCTAssertEqual(BLASKernel.choice(environment: ["OPENBLAS_CORETYPE": "Bogus", "PRIVLAB_BLAS_CHOSEN": "Bogus"],
                                         running: "Haswell"), .openBLAS, "a set OpenBLAS did not take")
    }

    /// This process: the running set is never below the CPU's unless a user asked for it.
    func testThisProcess() throws {
        guard BLASKernel.isDynamicArch else {
            throw XCTSkip("OpenBLAS built for one CPU (\(BLASKernel.configuration)): no kernel set to switch to")
        }
        XCTAssertFalse(BLASKernel.belowCPU && BLASKernel.choice != .user,
                       "\(BLASKernel.description) on \(CPUInfo.model): the start-up check should have restarted this process")
    }
}
