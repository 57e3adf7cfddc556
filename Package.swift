// swift-tools-version: 6.2
//
// JSRun: V8 for Swift. docs/Architecture.md describes the module graph.
//
// Every target and product is named `JSRun...` (or `CJSRun...` for C), because SwiftPM target
// names are global across a package graph: a user's own `Platform` or `Convert` must never
// collide with ours. The folders keep the concern's plain name (`Modules/Convert`, ...).
//
// Tools version 6.2 is what lets a versioned dependency carry `-fno-rtti` (the one unsafe flag,
// on CJSRunV8): keep it at 6.2 or later.
import PackageDescription

let package = Package(
    name: "JSRun",
    products: [
        .library(name: "JSRun", targets: ["JSRun"]),
        .library(name: "JSRunPlatform", targets: ["JSRunPlatform"]),
        .library(name: "JSRunConvert", targets: ["JSRunConvert"]),
        .library(name: "JSRunIsolate", targets: ["JSRunIsolate"]),
        .library(name: "JSRunOps", targets: ["JSRunOps"]),
        .library(name: "JSRunLoader", targets: ["JSRunLoader"]),
        .executable(name: "jsrun", targets: ["JSRunCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // `swift package generate-documentation` (make docs); it adds no code to a build.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // libnode's V8 10.2, installed by scripts/install-v8.sh (no system package provides
        // it as SwiftPM needs it: see docs/Deployment.md).
        .systemLibrary(
            name: "CJSRunLibNode",
            path: "Modules/Platform/CLibNode",
            pkgConfig: "jsrun-v8"
        ),
        // The only code that includes v8.h: a C API over V8 (see include/CJSRunV8.h).
        .target(
            name: "CJSRunV8",
            dependencies: ["CJSRunLibNode"],
            path: "Modules/Platform/CV8",
            cxxSettings: [
                // libnode is built without RTTI; classes deriving from V8's delegates must match.
                .unsafeFlags(["-fno-rtti"])
            ]
        ),
        .target(
            name: "JSRunPlatform",
            dependencies: ["CJSRunV8"],
            path: "Modules/Platform",
            exclude: ["CLibNode", "CV8"]
        ),
        .target(
            name: "JSRunConvert",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            path: "Modules/Convert"
        ),
        .target(
            name: "JSRunIsolate",
            dependencies: [
                "JSRunPlatform", "JSRunConvert", "CJSRunV8", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Modules/Isolate"
        ),
        .target(
            name: "JSRunOps",
            dependencies: ["JSRunConvert", "JSRunIsolate"],
            path: "Modules/Ops"
        ),
        .target(
            name: "JSRunLoader",
            dependencies: ["JSRunConvert", "JSRunIsolate"],
            path: "Modules/Loader"
        ),
        .target(
            name: "JSRun",
            dependencies: ["JSRunPlatform", "JSRunConvert", "JSRunIsolate", "JSRunOps", "JSRunLoader"],
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
        .executableTarget(name: "JSRunHello", dependencies: ["JSRun"], path: "Examples/Hello"),
        .target(name: "JSRunGuides", dependencies: ["JSRun"], path: "Examples/Guides"),
        .executableTarget(
            name: "JSRunValueDump", dependencies: ["JSRunConvert"], path: "Examples/ValueDump",
            exclude: ["README.md"]),

        // Helpers that more than one test target uses (a thread of its own for blocking work).
        .target(name: "JSRunTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSRunPlatformTests", dependencies: ["JSRunPlatform"], path: "Tests/PlatformTests"),
        .testTarget(
            name: "JSRunConvertTests", dependencies: ["JSRunConvert", "JSRunTestSupport"],
            path: "Tests/ConvertTests"),
        .testTarget(
            name: "JSRunIsolateTests", dependencies: ["JSRunIsolate", "JSRunTestSupport"],
            path: "Tests/IsolateTests"),
        .testTarget(
            name: "JSRunOpsTests", dependencies: ["JSRunOps", "JSRunTestSupport"], path: "Tests/OpsTests"),
        // Ops for host functions that call back into the loader; fixtures in Tests/Fixtures.
        .testTarget(
            name: "JSRunLoaderTests", dependencies: ["JSRunLoader", "JSRunOps", "JSRunTestSupport"],
            path: "Tests/LoaderTests"),
        .testTarget(name: "JSRunTests", dependencies: ["JSRun"], path: "Tests/JSRunTests"),
        .testTarget(
            name: "JSRunGuidesTests", dependencies: ["JSRunGuides", "JSRunTestSupport"],
            path: "Tests/GuidesTests"),
        .testTarget(
            name: "JSRunCLITests",
            dependencies: ["JSRunCLI", "JSRunPlatform", "JSRunTestSupport"],
            path: "Tests/JSRunCLITests"
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
