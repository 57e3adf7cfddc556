// swift-tools-version: 6.2
//
// JSRun: V8 for Swift. See docs/ and ../shared/DESIGN.md for the module graph.
import PackageDescription

let package = Package(
    name: "JSRun",
    products: [
        .library(name: "JSRun", targets: ["JSRun"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "Convert", targets: ["Convert"]),
        .library(name: "Isolate", targets: ["Isolate"]),
        .library(name: "Ops", targets: ["Ops"]),
        .library(name: "Loader", targets: ["Loader"]),
        .executable(name: "jsrun", targets: ["JSRunCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libnode's V8 10.2, installed by scripts/install-v8.sh.
        .systemLibrary(
            name: "CLibNode",
            path: "Modules/Platform/CLibNode",
            pkgConfig: "jsrun-v8",
            providers: [.apt(["libnode-dev"])]
        ),
        // The only code that includes v8.h: a C API over V8 (see include/CV8.h).
        .target(
            name: "CV8",
            dependencies: ["CLibNode"],
            path: "Modules/Platform/CV8",
            cxxSettings: [
                // libnode is built without RTTI; classes deriving from V8's delegates must match.
                .unsafeFlags(["-fno-rtti"])
            ]
        ),
        .target(
            name: "Platform",
            dependencies: ["CV8"],
            path: "Modules/Platform",
            exclude: ["CLibNode", "CV8"]
        ),
        .target(
            name: "Convert",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            path: "Modules/Convert"
        ),
        .target(
            name: "Isolate",
            dependencies: ["Platform", "Convert", "CV8", .product(name: "Logging", package: "swift-log")],
            path: "Modules/Isolate"
        ),
        .target(
            name: "Ops",
            dependencies: ["Convert", "Isolate"],
            path: "Modules/Ops"
        ),
        .target(
            name: "Loader",
            dependencies: ["Convert", "Isolate"],
            path: "Modules/Loader"
        ),
        .target(
            name: "JSRun",
            dependencies: ["Platform", "Convert", "Isolate", "Ops", "Loader"],
            path: "Modules/JSRun"
        ),
        .executableTarget(
            name: "JSRunCLI",
            dependencies: [
                "JSRun",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Modules/JSRunCLI"
        ),
        .executableTarget(name: "Hello", dependencies: ["JSRun"], path: "Examples/Hello"),
        .executableTarget(
            name: "ValueDump", dependencies: ["Convert"], path: "Examples/ValueDump", exclude: ["README.md"]),

        // Helpers that more than one test target uses (a thread of its own for blocking work).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"], path: "Tests/PlatformTests"),
        .testTarget(name: "ConvertTests", dependencies: ["Convert", "TestSupport"], path: "Tests/ConvertTests"),
        .testTarget(name: "IsolateTests", dependencies: ["Isolate", "TestSupport"], path: "Tests/IsolateTests"),
        .testTarget(name: "OpsTests", dependencies: ["Ops"], path: "Tests/OpsTests"),
        // Ops for host functions that call back into the loader; fixtures in Tests/Fixtures.
        .testTarget(
            name: "LoaderTests", dependencies: ["Loader", "Ops", "TestSupport"], path: "Tests/LoaderTests"),
        .testTarget(name: "JSRunTests", dependencies: ["JSRun"], path: "Tests/JSRunTests"),
        .testTarget(
            name: "JSRunCLITests",
            dependencies: ["JSRunCLI", "TestSupport"],
            path: "Tests/JSRunCLITests"
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
