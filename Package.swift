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
        // Executables only (it may restart the process): OpenBLAS's kernel set from the CPU's features.
        .target(name: "CBLASStartup", dependencies: ["CKernels", "CBLAS"]),
        .target(name: "PrivLab", dependencies: ["CBLAS", "CZlib", "CKernels"]),
        .target(name: "PrivLabLua", dependencies: ["PrivLab", "CLua"]),
        .executableTarget(
            name: "privlab",
            dependencies: ["PrivLab", "PrivLabLua", "CKernels", "CBLASStartup", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Fixtures are read by path (#filePath): reference values and the scripts that made them, not resources.
        .testTarget(name: "PrivLabTests", dependencies: ["PrivLab", "CZlib", "CBLASStartup"], exclude: ["Fixtures"]),
        .testTarget(name: "PrivLabLuaTests", dependencies: ["PrivLab", "PrivLabLua", "CBLASStartup"]),
    ],
    swiftLanguageModes: [.v5]
)
