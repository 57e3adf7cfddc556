// swift-tools-version: 6.2
//
// JSRun's benchmarks: a package of their own, so users of the SDK never resolve
// package-benchmark. `make bench` runs them; `make bench-compare` prints JSRun's figures
// beside the reference Python library and mini-racer (see peers/).
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which depends on where the SDK is cloned.
let sdk = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "JSRunBenchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The measured operations, shared by both executables below.
        .target(
            name: "Workloads",
            dependencies: [.product(name: "JSRun", package: sdk)],
            path: "Sources/Workloads"
        ),
        // `jsrun-figures`: the figures as JSON, for bench-compare.
        .executableTarget(name: "Figures", dependencies: ["Workloads"], path: "Sources/Figures"),
        // package-benchmark's statistics: `swift package --disable-sandbox benchmark`.
        .executableTarget(
            name: "RuntimeBenchmarks",
            dependencies: ["Workloads", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/RuntimeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
