import Foundation
import JSRunConvert
import JSRunIsolate
import JSRunTestSupport
import Synchronization
import Testing

@testable import JSRunLoader

/// A graph where two modules import a shared one: main -> left, right -> shared.
private let diamond = [
    "lib:main": "import { x } from 'left'; import { y } from 'right'; export const sum = x + y",
    "lib:left": "import { z } from 'shared'; export const x = z + 1",
    "lib:right": "import { z } from 'shared'; export const y = z + 2",
    "lib:shared": "globalThis.sharedRuns = (globalThis.sharedRuns ?? 0) + 1; export const z = 10",
    "lib:other": "import { z } from 'shared'; export const w = z",
]

@Suite struct ResolverAndLoaderTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    /// A resolver that puts bare specifiers under `lib:`.
    private func resolveUnderLib() {
        runtime.moduleResolver = { specifier, _ in specifier.hasPrefix("lib:") ? specifier : "lib:" + specifier }
    }

    @Test func theResolverIsAskedFirstAndNilFallsBackToStaticModules() throws {
        let asked = LoaderLog()
        runtime.addStaticModule("util", source: "export const from = 'static util'")
        runtime.addStaticModule("main", source: "export { from } from 'util'")
        runtime.moduleResolver = { specifier, referrer in
            asked.record("\(specifier) from \(referrer)")
            return specifier == "util" ? "lib:util" : nil
        }
        runtime.synchronousModuleLoader = { specifier in "export const from = 'loaded \(specifier)'" }
        #expect(try runtime.evalModule("main") == ["from": "loaded lib:util"])
        // The entry's referrer is ".", a module's imports have the module's fully qualified specifier.
        #expect(asked.all == ["main from .", "util from static:main"])

        runtime.moduleResolver = { _, _ in "" }  // an empty answer falls back too
        #expect(try runtime.evalModule("util") == ["from": "static util"])
    }

    @Test func theReferrerOfADynamicImportInAScriptIsTheScriptsName() async throws {
        let asked = LoaderLog()
        runtime.addStaticModule("m", source: "export default 1")
        runtime.moduleResolver = { specifier, referrer in
            asked.record(referrer)
            return nil
        }
        #expect(try await runtime.evalAsync("import('m').then(m => m.default)") == 1)
        #expect(try await runtime.evalAsync("import('m').then(m => m.default)", name: "setup.js") == 1)
        #expect(asked.all == ["<eval_async>", "setup.js"])
    }

    @Test func theAsyncLoaderIsCalledOncePerResolvedSpecifier() async throws {
        let log = LoaderLog()
        resolveUnderLib()
        runtime.moduleLoader = { specifier in
            log.record(specifier)
            await Task.yield()
            guard let source = diamond[specifier] else { throw Unreachable(host: specifier) }
            return source
        }
        #expect(try await runtime.evalModuleAsync("main") == ["sum": 23])
        #expect(log.all.sorted() == ["lib:left", "lib:main", "lib:right", "lib:shared"])
        // Another entry, and the same one again: nothing is loaded or evaluated twice.
        #expect(try await runtime.evalModuleAsync("other") == ["w": 10])
        #expect(try await runtime.evalModuleAsync("main") == ["sum": 23])
        #expect(log.count("lib:shared") == 1)
        #expect(log.all.count == 5)
        #expect(try runtime.eval("sharedRuns") == 1)
    }

    @Test func anAsyncLoaderThatAnswersWithoutSuspendingStartsOnTheRuntimeThread() async throws {
        let log = LoaderLog()
        resolveUnderLib()
        runtime.moduleLoader = { specifier in
            let thread = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            log.record(thread.hasPrefix("jsrun:") ? specifier : "elsewhere")
            guard let source = diamond[specifier] else { throw Unreachable(host: specifier) }
            return source
        }
        #expect(try await runtime.evalModuleAsync("main") == ["sum": 23])
        #expect(log.all.sorted() == ["lib:left", "lib:main", "lib:right", "lib:shared"])
        // Its error, too, comes back at once.
        let error = try await #require(throws: ModuleError.self) { try await runtime.evalModuleAsync("absent") }
        #expect(error.underlyingError is Unreachable)
    }

    @Test func importsWaitingForTheSameLoadShareIt() async throws {
        let log = LoaderLog()
        let gate = Gate()
        resolveUnderLib()
        runtime.moduleLoader = { specifier in
            log.record(specifier)
            if specifier == "lib:shared" { await gate.wait() }
            return diamond[specifier]!
        }
        async let main = runtime.evalModuleAsync("main")
        async let other = runtime.evalModuleAsync("other")
        await gate.someoneArrived()
        gate.open()
        #expect(try await main == ["sum": 23])
        #expect(try await other == ["w": 10])
        #expect(log.count("lib:shared") == 1)
    }

    @Test func theRuntimeServesOtherWorkWhileALoaderWaits() async throws {
        let gate = Gate()
        resolveUnderLib()
        runtime.moduleLoader = { specifier in
            await gate.wait()
            return "export const loaded = '\(specifier)'"
        }
        async let module = runtime.evalModuleAsync("slow")
        await gate.someoneArrived()
        // The load waits on Swift's pool: the runtime's thread answers meanwhile.
        #expect(try runtime.eval("6 * 7") == 42)
        #expect(try await runtime.evalAsync("Promise.resolve('still here')") == "still here")
        gate.open()
        #expect(try await module == ["loaded": "lib:slow"])
    }

    @Test func theSynchronousLoaderRunsOnTheRuntimeThread() throws {
        let log = LoaderLog()
        resolveUnderLib()
        runtime.synchronousModuleLoader = { specifier in
            let thread = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            log.record(thread.hasPrefix("jsrun:") ? "runtime thread" : "elsewhere")
            return diamond[specifier]!
        }
        #expect(try runtime.evalModule("main") == ["sum": 23])
        #expect(log.all == Array(repeating: "runtime thread", count: 4))
    }

    @Test func aSynchronousEvalModuleWorksWithAnAsyncLoader() async throws {
        resolveUnderLib()
        runtime.moduleLoader = { specifier in
            await Task.yield()
            return diamond[specifier]!
        }
        // It blocks its thread while the loader runs on the pool: a thread of its own here.
        let runtime = self.runtime
        let exports = try await onNewThread { try runtime.evalModule("main") }.value
        #expect(exports == ["sum": 23])
    }

    @Test func settingOneLoaderFormReplacesTheOther() throws {
        runtime.moduleLoader = { _ in "" }
        #expect(runtime.moduleLoader != nil)
        runtime.synchronousModuleLoader = { _ in "export const form = 'sync'" }
        #expect(runtime.moduleLoader == nil)
        #expect(runtime.synchronousModuleLoader != nil)
        resolveUnderLib()
        #expect(try runtime.evalModule("x") == ["form": "sync"])
        runtime.moduleLoader = nil
        #expect(runtime.synchronousModuleLoader == nil)
    }
}

extension ResolverAndLoaderTests {
    @Test func manyEntriesAtOnceShareTheirLoadsAndEachGetsItsExports() async throws {
        let log = LoaderLog()
        resolveUnderLib()
        // entry{i} imports shared{i % 5} and dynamically part{i % 7}; every shared module imports base.
        runtime.moduleLoader = { specifier in
            log.record(specifier)
            await Task.yield()
            let name = String(specifier.dropFirst("lib:".count))
            if name == "base" { return "export const base = 100" }
            if let n = Int(name.dropFirst("shared".count)), name.hasPrefix("shared") {
                return "import { base } from 'base'; export const shared = base + \(n)"
            }
            if let n = Int(name.dropFirst("part".count)), name.hasPrefix("part") { return "export default \(n)" }
            let n = Int(name.dropFirst("entry".count))!
            return """
                import { shared } from 'shared\(n % 5)';
                const part = (await import('part\(n % 7)')).default;
                export const value = shared + part * 1000;
                """
        }
        let runtime = self.runtime
        let values = try await withThrowingTaskGroup(of: (Int, JSValue).self) { group in
            for n in 0..<40 {
                group.addTask { (n, try await runtime.evalModuleAsync("entry\(n)")) }
            }
            return try await group.reduce(into: [Int: JSValue]()) { $0[$1.0] = $1.1 }
        }
        for n in 0..<40 {
            #expect(values[n] == ["value": .number(Double(100 + n % 5 + (n % 7) * 1000))])
        }
        // Each module was loaded once: 40 entries, 5 shared, 7 parts, base.
        #expect(log.all.count == 53)
        #expect(Set(log.all).count == 53)
    }
}
