// swift-tools-version: 6.2
//
// JSRun's fuzz targets: coverage-guided (libFuzzer, Swift's -sanitize=fuzzer) runs over the
// conversion module's reader and writer, with AddressSanitizer. A package of its own, since its
// executables are built only with the fuzzer's instrumentation.
// `make fuzz` builds and runs them; `make fuzz-smoke` (part of `make test`) runs each briefly.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which depends on where the SDK is cloned.
let sdk = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "JSRunFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // Counts what the process allocates while one input is read: the bound the targets check.
        .target(name: "CJSRunFuzzAllocations", path: "Sources/CJSRunFuzzAllocations"),
        // The targets' shared part: reading within the bound, and the writer's seeds.
        .target(
            name: "JSRunFuzzSupport",
            dependencies: ["CJSRunFuzzAllocations", .product(name: "JSRunConvert", package: sdk)],
            path: "Sources/JSRunFuzzSupport"
        ),
        // Bytes in, `JSValue(v8Serialized:)`: a value or a V8SerializationError, nothing else.
        .executableTarget(
            name: "ReaderFuzzer",
            dependencies: ["JSRunFuzzSupport"],
            path: "Sources/ReaderFuzzer"
        ),
        // What the reader accepts, the writer writes back and the reader reads again, equal.
        .executableTarget(
            name: "RoundTripFuzzer",
            dependencies: ["JSRunFuzzSupport"],
            path: "Sources/RoundTripFuzzer"
        ),
    ]
)
