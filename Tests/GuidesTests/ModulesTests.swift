import JSRun
import JSRunGuides
import Synchronization
import Testing

/// What docs/guides/Modules.md says its snippets give.
@Suite struct ModulesTests {
    @Test func staticModules() throws {
        let (exports, area) = try Modules.staticModules()
        #expect(exports == ["area": 9, "default": "the main module"])
        #expect(area == 9)
    }

    @Test func exportedFunctions() throws {
        let (sixteen, names) = try Modules.exportedFunctions()
        #expect(sixteen == 16)
        #expect(names == ["lib"])
    }

    @Test func resolverAndLoader() async throws {
        let (total, loads) = try await Modules.resolverAndLoader()
        #expect(total == 5)
        #expect(loads == ["https://cdn.example/app.js", "https://cdn.example/util.js"])
    }

    @Test func synchronousLoader() throws {
        #expect(try Modules.synchronousLoader() == "hello from the bundle 1.0")
    }

    @Test func files() throws {
        let (exports, outside) = try Modules.files()
        #expect(exports == ["greeting": "FILES!", "url": true])
        #expect(outside == "resolverFailed")
    }

    @Test func dynamicImport() async throws {
        #expect(try await Modules.dynamicImport() == 27)
    }

    @Test func jsonAndText() throws {
        #expect(try Modules.jsonAndText() == "Welcome! (3 retries)")
    }

    @Test func topLevelAwait() throws {
        #expect(try Modules.topLevelAwait() == ["ready": true])
    }

    @Test func caching() throws {
        let (counted, loads) = try Modules.caching()
        #expect(counted == 1)
        #expect(loads == 3)
    }

    @Test func errors() throws {
        let (missing, thrown) = try Modules.errors()
        #expect(missing?.reason == .unresolved)
        #expect(missing?.specifier == "./missing.js")
        #expect(missing?.referrer == "static:main")
        #expect(thrown?.message == "not configured")
    }

    /// The rows of the guide's table of reasons, and the notes around it.
    @Test func whatFailsAndHow() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        func reason(_ specifier: String) -> ModuleError.Reason? {
            #expect(throws: ModuleError.self) { try runtime.evalModule(specifier) }?.reason
        }
        runtime.addStaticModule("bad", source: "export const = 1")
        runtime.addStaticModule("link", source: "import { nothing } from 'math'")
        runtime.addStaticModule("math", source: "export const one = 1")
        runtime.addStaticModule("css", source: "import s from 'math' assert { type: 'css' }")
        runtime.addStaticModule("thrower", source: "throw new Error('once')")
        #expect(reason("bad") == .syntaxError)
        #expect(reason("link") == .linkFailed)
        #expect(reason("css") == .unsupportedType("css"))
        runtime.moduleResolver = { specifier, _ in specifier.hasPrefix("net/") ? "https://x/\(specifier)" : nil }
        #expect(reason("net/a.js") == .noLoader)
        runtime.moduleResolver = { _, _ in throw CancellationError() }
        #expect(reason("x") == .resolverFailed)
        runtime.moduleResolver = nil
        // A module that threw keeps its error; one that failed to load is tried again.
        let first = #expect(throws: JavaScriptError.self) { try runtime.evalModule("thrower") }
        let second = #expect(throws: JavaScriptError.self) { try runtime.evalModule("thrower") }
        #expect(first?.message == "once")
        #expect(second?.message == "once")
        let attempts = Mutex(0)
        runtime.moduleResolver = { specifier, _ in "memory:\(specifier)" }
        runtime.synchronousModuleLoader = { _ in
            let attempt = attempts.withLock {
                $0 += 1; return $0
            }
            if attempt == 1 { throw CancellationError() }
            return "export const ok = true"
        }
        #expect(throws: ModuleError.self) { try runtime.evalModule("flaky") }
        #expect(try runtime.evalModule("flaky") == ["ok": true])
        // A failed dynamic import() rejects with an Error named ModuleError, and comes back as itself.
        runtime.moduleResolver = nil
        #expect(
            try await runtime.evalAsync("import('nowhere').then(() => 'loaded', (e) => e.name)") == "ModuleError")
        await #expect(throws: ModuleError.self) { try await runtime.evalAsync("import('nowhere')") }
    }

    /// evalModule inside a synchronous host function: in place, and wouldWait when it must wait.
    @Test func evalModuleInsideAHostFunction() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        runtime.addStaticModule("here", source: "export const x = 1")
        runtime.addStaticModule("later", source: "await new Promise(r => setTimeout(r, 1)); export const y = 2")
        try runtime.bind("load") { (name: String) -> JSValue in try runtime.evalModule(name) }
        #expect(try runtime.eval("load('here')") == ["x": 1])
        let error = #expect(throws: ModuleError.self) { try runtime.eval("load('later')") }
        #expect(error?.reason == .wouldWait)
    }
}
