import JSRunConvert
import JSRunIsolate
import Testing

@testable import JSRunLoader

@Suite struct StaticModuleTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func aStaticModuleIsImportedByItsNameOrAsStaticName() throws {
        runtime.addStaticModule("math", source: "export const answer = 42; export default 'the math module'")
        runtime.addStaticModule(
            "main",
            source: """
                import { answer } from 'math';
                import title from 'static:math';
                export const double = answer * 2, name = title;
                """)
        #expect(try runtime.evalModule("main") == ["double": 84, "name": "the math module"])
        #expect(try runtime.evalModule("static:math") == ["answer": 42, "default": "the math module"])
    }

    @Test func theExportsComeAsAnObjectWithFunctionsAsHandles() throws {
        runtime.addStaticModule(
            "lib",
            source: """
                export default function twice(x) { return 2 * x }
                export const add = (a, b) => a + b;
                export class Point {}
                export const data = { list: [1, 'two'], flag: true };
                """)
        let exports = try runtime.evalModule("lib")
        #expect(exports.objectValue?.keys.sorted() == ["Point", "add", "data", "default"])
        #expect(try exports["default"]?.function?.call(21) == 42)
        #expect(try exports["add"]?.function?.call(2, 3) == 5)
        #expect(exports["Point"]?.function != nil)
        #expect(exports["data"] == ["list": [1, "two"], "flag": true])
    }

    @Test func theExportsAreACopyNotLiveBindings() throws {
        runtime.addStaticModule("counter", source: "export let count = 0; export function increment() { count++ }")
        let first = try runtime.evalModule("counter")
        try first["increment"]?.function?.call()
        // The object was read when the call ended; the next evaluation reads the binding again.
        #expect(first["count"] == 0)
        #expect(try runtime.evalModule("counter")["count"] == 1)
    }

    @Test func exportsDecodeIntoSwiftTypes() async throws {
        struct Settings: Decodable, Equatable {
            var name: String
            var retries: Int
        }
        runtime.addStaticModule("settings", source: "export const name = 'jsrun', retries = 3")
        #expect(try runtime.evalModule("settings", as: Settings.self) == Settings(name: "jsrun", retries: 3))
        #expect(try await runtime.evalModuleAsync("settings", as: Settings.self) == Settings(name: "jsrun", retries: 3))
    }

    @Test func aRuntimeEvaluatesAnyNumberOfEntryModules() async throws {
        for index in 0..<5 {
            runtime.addStaticModule("entry\(index)", source: "export const index = \(index)")
        }
        for index in 0..<5 {
            #expect(try runtime.evalModule("entry\(index)") == ["index": .number(Double(index))])
        }
        #expect(try await runtime.evalModuleAsync("entry3") == ["index": 3])
    }

    @Test func aModuleIsEvaluatedOnceAndItsExportsComeBackAgain() async throws {
        runtime.addStaticModule(
            "once", source: "globalThis.runs = (globalThis.runs ?? 0) + 1; export const runs = globalThis.runs")
        runtime.addStaticModule("importer", source: "import { runs } from 'once'; export { runs }")
        #expect(try runtime.evalModule("once") == ["runs": 1])
        #expect(try runtime.evalModule("once") == ["runs": 1])
        #expect(try await runtime.evalModuleAsync("importer") == ["runs": 1])
        #expect(try runtime.eval("runs") == 1)
    }

    @Test func replacingAStaticModuleAffectsOnlyLaterLoads() throws {
        runtime.addStaticModule("version", source: "export const version = 1")
        #expect(try runtime.evalModule("version") == ["version": 1])
        runtime.addStaticModule("version", source: "export const version = 2")
        // Loaded already: the module stays what it was.
        #expect(try runtime.evalModule("version") == ["version": 1])
        // Not loaded yet: the new source is the one loaded.
        let other = try Runtime()
        other.addStaticModule("version", source: "export const version = 1")
        other.addStaticModule("version", source: "export const version = 2")
        #expect(try other.evalModule("version") == ["version": 2])
    }

    @Test func modulesAndScriptsShareTheGlobalObject() throws {
        try runtime.eval("var fromScript = 'script'")
        runtime.addStaticModule("shares", source: "globalThis.fromModule = 'module'; export const seen = fromScript")
        #expect(try runtime.evalModule("shares") == ["seen": "script"])
        #expect(try runtime.eval("fromModule") == "module")
    }
}

extension StaticModuleTests {
    @Test func evaluationsCountInTheStats() async throws {
        runtime.addStaticModule("counted", source: "export {}")
        try runtime.evalModule("counted")
        try await runtime.evalModuleAsync("counted")
        #expect(throws: ModuleError.self) { try runtime.evalModule("absent") }
        let stats = try runtime.stats()
        #expect(stats.evalModuleSyncCount == 2)
        #expect(stats.evalModuleAsyncCount == 1)
        #expect(stats.lastExecutionKind == .evalModuleSync)
    }
}
