import Foundation
import JSRunConvert
import JSRunIsolate
import Testing

@testable import JSRunLoader

/// A folder of module files, removed when the test ends:
///
///     <folder>/app/           the root
///     <folder>/outside.js     beside the root, never importable
private final class ModuleFolder {
    let folder: URL
    var root: URL { folder.appendingPathComponent("app") }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("jsrun-modules-\(UUID())")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("app/lib"), withIntermediateDirectories: true)
        try write("outside.js", "export const secret = 'outside the root'")
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func write(_ path: String, _ source: String) throws {
        let file = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try source.write(to: file, atomically: true, encoding: .utf8)
    }

    func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent(path).path, withDestinationPath: target)
    }

    /// The file URL of a path under the folder, as the loader writes it (real path).
    func url(_ path: String) -> String {
        URL(fileURLWithPath: FileModuleLoader.realPath(folder.path)! + "/" + path).absoluteString
    }
}

@Suite struct FileModuleLoaderTests {
    let runtime: Runtime
    private let files: ModuleFolder
    init() throws {
        runtime = try Runtime()
        files = try ModuleFolder()
    }

    private func useFiles() throws {
        runtime.useFileModules(try FileModuleLoader(root: files.root.path))
    }

    @Test func relativeAndAbsoluteSpecifiersLoadFilesUnderTheRoot() throws {
        try files.write(
            "app/main.mjs", "import { a } from './lib/a.js'; export const value = a; export const url = import.meta.url"
        )
        try files.write("app/lib/a.js", "import { b } from '../lib/./b.js'; export const a = 'a' + b")
        try files.write("app/lib/b.js", "export const b = 'b'")
        try useFiles()
        #expect(try runtime.evalModule("./main.mjs") == ["url": .string(files.url("app/main.mjs")), "value": "ab"])
        // An absolute path and a file: URL name the same module: it is not evaluated again.
        let absolute = FileModuleLoader.realPath(files.root.path)! + "/lib/a.js"
        #expect(try runtime.evalModule(absolute) == ["a": "ab"])
        #expect(try runtime.evalModule(files.url("app/lib/a.js")) == ["a": "ab"])
    }

    @Test func aBareSpecifierFallsBackToTheStaticModules() throws {
        try files.write("app/main.mjs", "import { version } from 'config'; export { version }")
        try useFiles()
        runtime.addStaticModule("config", source: "export const version = '1.0'")
        #expect(try runtime.evalModule("./main.mjs") == ["version": "1.0"])
    }

    @Test func dotDotOutOfTheRootIsRefused() throws {
        try files.write("app/main.mjs", "import { secret } from '../outside.js'")
        try useFiles()
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("./main.mjs") }
        #expect(error.reason == .resolverFailed)
        #expect(error.specifier == "../outside.js")
        #expect(error.referrer == files.url("app/main.mjs"))
        guard case .outsideRoot(let specifier, _, _)? = error.underlyingError as? FileModuleLoader.Error else {
            Issue.record("expected outsideRoot, got \(String(describing: error.underlyingError))")
            return
        }
        #expect(specifier == "../outside.js")
        #expect(error.description.contains("outside the module root"))
        // An absolute path outside the root, too.
        let outside = FileModuleLoader.realPath(files.folder.path)! + "/outside.js"
        #expect(throws: ModuleError.self) { try runtime.evalModule(outside) }
        #expect(try runtime.eval("typeof secret") == "undefined")
    }

    @Test func aSymlinkOutOfTheRootIsRefused() throws {
        try files.link("app/lib/escape.js", to: files.folder.appendingPathComponent("outside.js").path)
        try files.link("app/linked", to: files.folder.path)
        try files.write("app/main.mjs", "import { secret } from './lib/escape.js'")
        try files.write("app/viaDirectory.mjs", "import { secret } from './linked/outside.js'")
        try useFiles()
        for entry in ["./main.mjs", "./viaDirectory.mjs"] {
            let error = try #require(throws: ModuleError.self) { try runtime.evalModule(entry) }
            #expect(error.underlyingError is FileModuleLoader.Error)
            #expect(error.description.contains("outside the module root"))
        }
    }

    @Test func aSymlinkInsideTheRootIsTheModuleItPointsTo() throws {
        try files.write("app/lib/real.js", "globalThis.loads = (globalThis.loads ?? 0) + 1; export const real = true")
        try files.link("app/alias.js", to: "lib/real.js")
        try files.write(
            "app/main.mjs",
            "import { real } from './alias.js'; import './lib/real.js'; export const url = import.meta.resolve('./alias.js')"
        )
        try useFiles()
        #expect(try runtime.evalModule("./main.mjs") == ["url": .string(files.url("app/lib/real.js"))])
        #expect(try runtime.eval("loads") == 1)
    }

    @Test func aMissingFileIsALoaderError() throws {
        try files.write("app/main.mjs", "import './absent.js'")
        try useFiles()
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("./main.mjs") }
        #expect(error.reason == .loaderFailed)
        #expect(error.specifier == "./absent.js")
        #expect(error.underlyingError as? FileModuleLoader.Error == .notFound(files.root.path + "/absent.js"))
        #expect(try runtime.eval("1") == 1)
    }

    @Test func jsonFilesAndDynamicImportsRelativeToTheirModule() async throws {
        try files.write("app/data/settings.json", #"{ "mode": "strict" }"#)
        try files.write(
            "app/lib/feature.js",
            "export async function load() { return (await import('../data/settings.json', { assert: { type: 'json' } })).default }"
        )
        try files.write("app/main.mjs", "import { load } from './lib/feature.js'; export const settings = await load()")
        try useFiles()
        #expect(try await runtime.evalModuleAsync("./main.mjs") == ["settings": ["mode": "strict"]])
    }

    @Test func pathsWithSpacesBecomeEscapedURLs() throws {
        try files.write("app/my lib/util.js", "export const url = import.meta.url")
        try useFiles()
        let exports = try runtime.evalModule("./my lib/util.js")
        #expect(exports["url"]?.stringValue?.hasSuffix("/app/my%20lib/util.js") == true)
    }

    @Test func theLoaderChecksItsRootAndItsInput() throws {
        #expect(throws: FileModuleLoader.Error.notADirectory(files.folder.path + "/absent")) {
            try FileModuleLoader(root: files.folder.appendingPathComponent("absent").path)
        }
        let loader = try FileModuleLoader(root: files.root.path)
        #expect(try loader.resolve("lodash", referrer: ".") == nil)
        #expect(throws: FileModuleLoader.Error.notAFileURL("https://example.com/x.js")) {
            try loader.load("https://example.com/x.js")
        }
        #expect(throws: FileModuleLoader.Error.self) { try loader.load(files.url("app/lib")) }
    }
}

extension FileModuleLoaderTests {
    @Test func fileURLsAreWrittenAndReadAsFoundationDoes() {
        let path = "/srv/my app/ü#100%?.js"
        let url = FileModuleLoader.fileURL(of: path)
        #expect(url == "file:///srv/my%20app/%C3%BC%23100%25%3F.js")
        #expect(url == URL(fileURLWithPath: path).absoluteString)
        #expect(FileModuleLoader.path(ofFileURL: url) == path)
        #expect(FileModuleLoader.path(ofFileURL: "file://localhost/x.js") == "/x.js")
        #expect(FileModuleLoader.path(ofFileURL: "file:/x.js?v=1#top") == "/x.js")
        #expect(FileModuleLoader.path(ofFileURL: "file://elsewhere/x.js") == nil)
        #expect(FileModuleLoader.path(ofFileURL: "file:///bad%zz") == nil)
        #expect(FileModuleLoader.path(ofFileURL: "https://example.com/x.js") == nil)
    }
}
