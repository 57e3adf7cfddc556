import JSRunConvert
import JSRunIsolate
import JSRunTestSupport
import Testing

@testable import JSRunLoader

/// The module syntax JavaScript has, in V8 10.2.
@Suite struct JavaScriptModuleTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func staticImportsInEveryForm() throws {
        runtime.addStaticModule("lib", source: "export default 'def'; export const a = 1, b = 2")
        runtime.addStaticModule(
            "main",
            source: """
                import def, { a, b as bee } from 'lib';
                import * as all from 'lib';
                import 'lib';
                export const values = [def, a, bee, all.a + all.b, Object.keys(all).sort().join()];
                """)
        #expect(try runtime.evalModule("main") == ["values": ["def", 1, 2, 3, "a,b,default"]])
    }

    @Test func reExportsAndExportStar() throws {
        runtime.addStaticModule("a", source: "export const one = 1; export default 'a default'")
        runtime.addStaticModule("b", source: "export const two = 2, three = 3")
        runtime.addStaticModule(
            "index",
            source: """
                export { one as uno, default as aDefault } from 'a';
                export * from 'b';
                export * as bNamespace from 'b';
                """)
        let exports = try runtime.evalModule("index")
        #expect(exports["uno"] == 1)
        #expect(exports["aDefault"] == "a default")
        #expect(exports["two"] == 2)
        #expect(exports["three"] == 3)
        // A namespace lists its names in order.
        #expect(exports["bNamespace"] == ["three": 3, "two": 2])
    }

    @Test func modulesMayImportEachOtherInACycle() throws {
        runtime.addStaticModule(
            "even", source: "import { odd } from 'odd'; export const even = (n) => n === 0 ? true : odd(n - 1)")
        runtime.addStaticModule(
            "odd", source: "import { even } from 'even'; export const odd = (n) => n === 0 ? false : even(n - 1)")
        runtime.addStaticModule(
            "main", source: "import { even } from 'even'; export const results = [even(10), even(7)]")
        #expect(try runtime.evalModule("main") == ["results": [true, false]])
    }

    @Test func dynamicImportFromScriptsAndFromModules() async throws {
        runtime.addStaticModule("lazy", source: "export const value = 'lazy value'")
        runtime.addStaticModule(
            "loader", source: "const lazy = await import('lazy'); export const fromModule = lazy.value")
        // From a synchronous eval: the promise settles in the background.
        try runtime.eval("import('lazy').then(m => { globalThis.fromEval = m.value }); undefined")
        #expect(try await runtime.evalAsync("import('lazy').then(m => m.value)") == "lazy value")
        #expect(try runtime.eval("fromEval") == "lazy value")
        #expect(try runtime.evalModule("loader") == ["fromModule": "lazy value"])
    }

    @Test func importMetaHasTheURLAndResolves() throws {
        runtime.addStaticModule("dep", source: "")
        runtime.addStaticModule(
            "meta",
            source: """
                export const url = import.meta.url;
                export const resolved = import.meta.resolve('dep');
                export const custom = import.meta.resolve('lib/x');
                """)
        runtime.moduleResolver = { specifier, _ in
            specifier.hasPrefix("lib/") ? "https://cdn.example/\(specifier)" : nil
        }
        #expect(
            try runtime.evalModule("meta") == [
                "url": "static:meta", "resolved": "static:dep", "custom": "https://cdn.example/lib/x",
            ])
    }

    @Test func jsonModulesWithAnImportAssertion() async throws {
        runtime.addStaticModule("config", source: #"{ "name": "jsrun", "ports": [80, 443], "debug": false }"#)
        runtime.addStaticModule(
            "main",
            source: """
                import config from 'config' assert { type: 'json' };
                export const name = config.name, ports = config.ports;
                """)
        #expect(try runtime.evalModule("main") == ["name": "jsrun", "ports": [80, 443]])
        // Dynamically too; the JSON module and a JavaScript module of the same name are two modules.
        #expect(
            try await runtime.evalAsync("import('config', { assert: { type: 'json' } }).then(m => m.default.debug)")
                == false)
    }

    @Test func textModulesGiveTheirSourceAsAString() async throws {
        runtime.addStaticModule("page.html", source: "<h1>{{title}}</h1>\n")
        runtime.addStaticModule(
            "render",
            source: """
                import page from 'page.html' assert { type: 'text' };
                export const html = page.replace('{{title}}', 'Modules');
                """)
        #expect(try runtime.evalModule("render") == ["html": "<h1>Modules</h1>\n"])
        #expect(
            try await runtime.evalAsync("import('page.html', { assert: { type: 'text' } }).then(m => m.default.length)")
                == 19)
    }

    @Test func topLevelAwaitWaitsForTimers() async throws {
        runtime.addStaticModule(
            "slow",
            source: "export const value = await new Promise(resolve => setTimeout(() => resolve('waited'), 20))")
        runtime.addStaticModule("user", source: "import { value } from 'slow'; export const seen = value")
        #expect(try await runtime.evalModuleAsync("user") == ["seen": "waited"])
    }

    @Test func aSynchronousEvalModuleWaitsForTimersToo() async throws {
        runtime.addStaticModule(
            "slow",
            source: "export const value = await new Promise(resolve => setTimeout(() => resolve('waited'), 20))")
        // It blocks its caller until the timer has fired: a thread of its own here.
        let runtime = self.runtime
        #expect(try await onNewThread { try runtime.evalModule("slow") }.value == ["value": "waited"])
    }
}

extension JavaScriptModuleTests {
    @Test func aModuleThatReExportsItselfEndsTheCopy() throws {
        runtime.addStaticModule("self", source: "export * as me from 'self'; export const value = 1")
        #expect(try runtime.evalModule("self") == ["me": .undefined, "value": 1])
    }
}
