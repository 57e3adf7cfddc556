import JSRunConvert
import JSRunIsolate
import JSRunOps
import Testing

@testable import JSRunLoader

/// Every way an import fails: a clear Swift error naming the module and who imported it, and a
/// runtime that still works afterwards.
@Suite struct ModuleErrorTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    /// The runtime still evaluates scripts and modules.
    private func expectUsable(sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try runtime.eval("1 + 1") == 2, sourceLocation: sourceLocation)
        runtime.addStaticModule("healthy", source: "export const ok = true")
        #expect(try runtime.evalModule("healthy") == ["ok": true], sourceLocation: sourceLocation)
    }

    @Test func anUnresolvableSpecifierNamesItsImporterAndWhere() throws {
        runtime.addStaticModule("main", source: "import './helper.js';\nimport { x } from './missing.js';")
        runtime.addStaticModule("./helper.js", source: "")
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("main") }
        #expect(error.reason == .unresolved)
        #expect(error.specifier == "./missing.js")
        #expect(error.referrer == "static:main")
        #expect(error.line == 2)
        #expect(error.column == 19)
        #expect(
            error.description
                == "cannot resolve module './missing.js' imported by 'static:main' at line 2, column 19: no module "
                + "resolver answered and no static module has that name (add it with addStaticModule, or set "
                + "moduleResolver)")
        let entry = try #require(throws: ModuleError.self) { try runtime.evalModule("nowhere") }
        #expect(entry.referrer == Runtime.entryReferrer)
        #expect(entry.description.hasPrefix("cannot resolve module 'nowhere' given to evalModule:"))
        try expectUsable()
    }

    @Test func aResolverThatThrowsIsReportedWithItsError() async throws {
        runtime.moduleResolver = { specifier, _ in throw Unreachable(host: specifier) }
        let error = try await #require(throws: ModuleError.self) { try await runtime.evalModuleAsync("cdn") }
        #expect(error.reason == .resolverFailed)
        #expect(error.underlyingError is Unreachable)
        #expect(
            error.description
                == "cannot resolve module 'cdn' given to evalModule: the module resolver threw: cdn is unreachable")
        runtime.moduleResolver = nil
        try expectUsable()
    }

    @Test func aLoaderThatThrowsIsReportedWithItsErrorAndNothingIsCached() async throws {
        let log = LoaderLog()
        runtime.addStaticModule("main", source: "import { value } from 'remote'; export { value }")
        runtime.moduleResolver = { specifier, _ in specifier == "remote" ? "https://example.com/remote.js" : nil }
        runtime.moduleLoader = { specifier in
            log.record(specifier)
            if log.all.count == 1 { throw Unreachable(host: "example.com") }
            return "export const value = 'second try'"
        }
        let error = try await #require(throws: ModuleError.self) { try await runtime.evalModuleAsync("main") }
        #expect(error.reason == .loaderFailed)
        #expect(error.specifier == "remote")
        #expect(error.resolved == "https://example.com/remote.js")
        #expect(error.referrer == "static:main")
        #expect((error.underlyingError as? Unreachable)?.host == "example.com")
        #expect(
            error.description
                == "cannot load module 'remote' (resolved to 'https://example.com/remote.js') imported by "
                + "'static:main' at line 1, column 23: the module loader threw: example.com is unreachable")
        // A failed load is not cached: the next import asks the loader again.
        #expect(try await runtime.evalModuleAsync("main") == ["value": "second try"])
        #expect(log.all.count == 2)
        try expectUsable()
    }

    @Test func aSpecifierWithNoLoaderToLoadIt() throws {
        runtime.moduleResolver = { specifier, _ in "https://example.com/\(specifier)" }
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("app.js") }
        #expect(error.reason == .noLoader)
        #expect(error.resolved == "https://example.com/app.js")
        #expect(error.description.contains("it is not a static module and no module loader is set"))
        runtime.moduleResolver = nil
        try expectUsable()
    }

    @Test func aSyntaxErrorSaysWhereInWhichModule() throws {
        runtime.addStaticModule("main", source: "import { f } from 'broken'")
        runtime.addStaticModule("broken", source: "export function f() {\n  return 1 +;\n}")
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("main") }
        #expect(error.reason == .syntaxError)
        #expect(error.specifier == "broken")
        #expect(error.referrer == "static:main")
        #expect(error.line == 2)
        #expect(error.column == 13)
        #expect((error.underlyingError as? JavaScriptError)?.name == "SyntaxError")
        #expect(
            error.description
                == "module 'broken' (resolved to 'static:broken') imported by 'static:main' does not parse: "
                + "SyntaxError: Unexpected token ';' (line 2, column 13)")
        // Not cached: once fixed, it loads.
        runtime.addStaticModule("broken", source: "export function f() { return 1 }")
        #expect(try runtime.evalModule("broken")["f"]?.function != nil)
        try expectUsable()
    }

    @Test func aJSONModuleThatIsNotJSON() throws {
        runtime.addStaticModule("data", source: #"{ "list": [1, 2,] }"#)
        runtime.addStaticModule("main", source: "import data from 'data' assert { type: 'json' }")
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("main") }
        #expect(error.reason == .syntaxError)
        #expect(error.specifier == "data")
        #expect(error.message.contains("in JSON"))
        try expectUsable()
    }

    @Test func anUnsupportedModuleType() async throws {
        runtime.addStaticModule("style", source: "")
        runtime.addStaticModule("main", source: "import sheet from 'style' assert { type: 'css' }")
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("main") }
        #expect(error.reason == .unsupportedType("css"))
        #expect(error.referrer == "static:main")
        let dynamic = try await #require(throws: ModuleError.self) {
            try await runtime.evalAsync("import('style', { assert: { type: 'wasm' } })")
        }
        #expect(dynamic.reason == .unsupportedType("wasm"))
        try expectUsable()
    }

    @Test func anImportOfAnExportThatDoesNotExistFailsToLink() throws {
        runtime.addStaticModule("lib", source: "export const here = 1")
        runtime.addStaticModule("main", source: "import { here, absent } from 'lib'")
        let error = try #require(throws: ModuleError.self) { try runtime.evalModule("main") }
        #expect(error.reason == .linkFailed)
        #expect(error.specifier == "main")
        #expect(
            error.description
                == "cannot link module 'main' (resolved to 'static:main') given to evalModule: SyntaxError: The "
                + "requested module 'lib' does not provide an export named 'absent' (in 'static:main', line 1, "
                + "column 16)")
        try expectUsable()
    }

    @Test func aModuleThatThrowsIsAJavaScriptErrorEveryTimeAndRunsOnce() async throws {
        runtime.addStaticModule(
            "failing",
            source: """
                globalThis.attempts = (globalThis.attempts ?? 0) + 1;
                throw new TypeError('cannot start');
                """)
        runtime.addStaticModule("user", source: "import 'failing'")
        let error = try #require(throws: JavaScriptError.self) { try runtime.evalModule("failing") }
        #expect(error.name == "TypeError")
        #expect(error.message == "cannot start")
        #expect(error.frames.first?.file == "static:failing")
        #expect(error.frames.first?.line == 2)
        // Evaluated once: the same error again, from the module itself or from an importer.
        #expect(throws: error) { try runtime.evalModule("failing") }
        await #expect(throws: error) { try await runtime.evalModuleAsync("user") }
        #expect(try runtime.eval("attempts") == 1)
        try expectUsable()
    }

    @Test func aTopLevelAwaitThatRejectsIsAJavaScriptError() async throws {
        runtime.addStaticModule("rejects", source: "await Promise.reject(new RangeError('no config'))")
        let error = try await #require(throws: JavaScriptError.self) {
            try await runtime.evalModuleAsync("rejects")
        }
        #expect(error.name == "RangeError")
        try expectUsable()
    }

    @Test func aFailedDynamicImportRejectsInJavaScriptAndComesBackToSwiftAsItself() async throws {
        runtime.addStaticModule("present", source: "")
        #expect(
            try await runtime.evalAsync("import('ghost').catch(e => [e instanceof Error, e.name])")
                == [true, "ModuleError"])
        let error = try await #require(throws: ModuleError.self) { try await runtime.evalAsync("import('ghost')") }
        #expect(error.specifier == "ghost")
        #expect(error.referrer == "<eval_async>")
        runtime.addStaticModule("importer", source: "await import('ghost')")
        let fromModule = try await #require(throws: ModuleError.self) { try await runtime.evalModuleAsync("importer") }
        #expect(fromModule.referrer == "static:importer")
        try expectUsable()
    }

    @Test func importMetaResolveThrowsForAnUnresolvableSpecifier() throws {
        runtime.addStaticModule(
            "meta",
            source:
                "export const caught = (() => { try { import.meta.resolve('ghost') } catch (e) { return e.name } })()")
        #expect(try runtime.evalModule("meta") == ["caught": "ModuleError"])
        try expectUsable()
    }

    @Test func aSynchronousEvalModuleInsideAHostFunctionRunsInPlaceOrSaysWhyItCannot() async throws {
        let runtime = self.runtime
        runtime.addStaticModule("quick", source: "export const quick = 'in place'")
        runtime.addStaticModule(
            "waits", source: "export const waited = await new Promise(r => setTimeout(() => r('later'), 5))")
        try runtime.bind("importNow") { (name: String) throws -> JSValue in try runtime.evalModule(name) }
        #expect(try runtime.eval("importNow('quick')") == ["quick": "in place"])
        let error = try #require(throws: ModuleError.self) { try runtime.eval("importNow('waits')") }
        #expect(error.reason == .wouldWait)
        #expect(error.description.contains("use evalModuleAsync"))
        // The module was started all the same, and finishes with the event loop.
        #expect(try await runtime.evalModuleAsync("waits") == ["waited": "later"])
        try expectUsable()
    }

    @Test func aRuntimeWithoutModulesRejectsDynamicImportClearly() async throws {
        let bare = try Runtime()
        let message = try await bare.evalAsync("import('anything').catch(e => e.message)")
        #expect(message.stringValue?.contains("this runtime has no modules") == true)
        #expect(try bare.eval("2 + 2") == 4)
    }
}
