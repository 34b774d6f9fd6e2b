// swift-tools-version:6.0
import PackageDescription

// PrivLab: a Swift engine for privacy in machine learning, scripted from Lua 5.4.
// Layers (data flows down): privlab CLI -> PrivLabLua (bridge) -> PrivLab (engine) -> CLua / CBLAS / CZlib / CKernels.
let package = Package(
    name: "PrivLab",
    products: [
        .library(name: "PrivLab", targets: ["PrivLab"]),
        .library(name: "PrivLabLua", targets: ["PrivLabLua"]),
        .executable(name: "privlab", targets: ["privlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Hand-vectorised kernels Swift cannot express (per-function AVX2/AVX-512 with run-time choice).
        .target(name: "CKernels"),
        .target(name: "PrivLab", dependencies: ["CBLAS", "CZlib", "CKernels"]),
        .target(name: "PrivLabLua", dependencies: ["PrivLab", "CLua"]),
        .executableTarget(
            name: "privlab",
            dependencies: ["PrivLab", "PrivLabLua", "CKernels", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "PrivLabTests", dependencies: ["PrivLab", "CZlib"]),
        // CBLAS: the tests ask OpenBLAS how it was built (openblas_get_config) before forcing a kernel set.
        .testTarget(name: "PrivLabLuaTests", dependencies: ["PrivLab", "PrivLabLua", "CBLAS"]),
    ],
    swiftLanguageModes: [.v5]
)
