import Foundation
import JSRun
import Synchronization

/// The code of `docs/guides/Modules.md`; see ``GettingStarted`` for how snippets are marked.
package enum Modules {
    /// Static modules and the exports of an entry module.
    package static func staticModules() throws -> (exports: JSValue, area: Int) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: static-modules
        runtime.addStaticModule("math", source: "export const square = (x) => x * x")
        runtime.addStaticModule(
            "main",
            source: """
                import { square } from 'math';
                export const area = square(3);
                export default 'the main module';
                """)

        let exports = try runtime.evalModule("main")  // ["area": 9, "default": "the main module"]
        let area = exports["area"]?.intValue  // 9
        // end snippet
        return (exports, area ?? 0)
    }

    /// Exported functions are handles; exports decode into Swift types.
    package static func exportedFunctions() throws -> (square: JSValue, settings: [String]) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: exports
        struct Library: Decodable {
            var name: String
            var square: JSFunction  // an exported function, as a handle
        }

        runtime.addStaticModule("lib", source: "export const name = 'lib'; export function square(x) { return x * x }")
        let lib = try runtime.evalModule("lib", as: Library.self)
        let sixteen = try lib.square.call(4)  // .number(16)
        // end snippet
        return (sixteen, [lib.name])
    }

    /// A resolver and an async loader: modules from elsewhere.
    package static func resolverAndLoader() async throws -> (total: Int, loads: [String]) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: resolver-loader
        // Stands in for a server: what a real loader would fetch over the network.
        let server = [
            "https://cdn.example/app.js": "import { add } from 'util.js'; export const total = add(2, 3);",
            "https://cdn.example/util.js": "export const add = (a, b) => a + b;",
        ]
        let loads = Mutex<[String]>([])

        // Every import becomes a fully qualified specifier: here, a URL.
        runtime.moduleResolver = { specifier, referrer in "https://cdn.example/\(specifier)" }
        // Asked once per fully qualified specifier; it may suspend (URLSession, a database...).
        runtime.moduleLoader = { url in
            loads.withLock { $0.append(url) }
            try await Task.sleep(for: .milliseconds(1))
            guard let source = server[url] else { throw URLError(.fileDoesNotExist) }
            return source
        }

        let app = try await runtime.evalModuleAsync("app.js")  // ["total": 5]
        // loads: ["https://cdn.example/app.js", "https://cdn.example/util.js"]
        // end snippet
        return (app["total"]?.intValue ?? 0, loads.withLock { $0 })
    }

    /// A synchronous loader, for sources at hand, and static modules as a fallback.
    package static func synchronousLoader() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: synchronous-loader
        let bundle = ["bundle:greeting": "export const text = 'hello from the bundle'"]
        runtime.addStaticModule("version", source: "export default '1.0'")

        // nil: not this resolver's, so the static modules answer.
        runtime.moduleResolver = { specifier, _ in specifier.hasPrefix("@app/") ? "bundle:greeting" : nil }
        // Runs on the runtime's thread: no hop to another thread for a source at hand.
        runtime.synchronousModuleLoader = { specifier in
            guard let source = bundle[specifier] else { throw CocoaError(.fileNoSuchFile) }
            return source
        }

        runtime.addStaticModule(
            "main",
            source: "import { text } from '@app/greeting'; import v from 'version'; export const line = `${text} ${v}`")
        let line = try runtime.evalModule("main")["line"]  // "hello from the bundle 1.0"
        // end snippet
        return line ?? .undefined
    }

    /// Modules from files under one directory.
    package static func files() throws -> (exports: JSValue, outside: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jsrun-guide-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        // snippet: files
        var outside = ""
        // app/main.mjs imports app/lib/util.mjs and app/settings.json.
        let app = directory.appendingPathComponent("app")
        try FileManager.default.createDirectory(
            at: app.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try """
        import { shout } from './lib/util.mjs';
        import settings from './settings.json' assert { type: 'json' };
        export const greeting = shout(settings.name);
        export const url = import.meta.url.endsWith('/app/main.mjs');
        """.write(to: app.appendingPathComponent("main.mjs"), atomically: true, encoding: .utf8)
        try "export const shout = (s) => s.toUpperCase() + '!';"
            .write(to: app.appendingPathComponent("lib/util.mjs"), atomically: true, encoding: .utf8)
        try #"{ "name": "files" }"#.write(
            to: app.appendingPathComponent("settings.json"), atomically: true, encoding: .utf8)

        let runtime = try Runtime()
        defer { runtime.close() }
        runtime.useFileModules(try FileModuleLoader(root: app.path))
        let exports = try runtime.evalModule("./main.mjs")  // ["greeting": "FILES!", "url": true]

        do {
            try runtime.evalModule("../secret.mjs")  // outside the root: refused
        } catch let error as ModuleError {
            outside = "\(error.reason)"  // resolverFailed, its underlyingError a FileModuleLoader.Error.outsideRoot
        }
        // end snippet
        return (exports, outside)
    }

    /// Dynamic `import()` from a script.
    package static func dynamicImport() async throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: dynamic-import
        runtime.addStaticModule("math", source: "export const cube = (x) => x ** 3")
        let cube = try await runtime.evalAsync("import('math').then(math => math.cube(3))")  // .number(27)
        // end snippet
        return cube
    }

    /// JSON and text modules.
    package static func jsonAndText() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: json-text
        runtime.addStaticModule("config.json", source: #"{ "retries": 3 }"#)
        runtime.addStaticModule("banner.txt", source: "Welcome!")
        runtime.addStaticModule(
            "main",
            source: """
                import config from 'config.json' assert { type: 'json' };
                import banner from 'banner.txt' assert { type: 'text' };
                export const summary = `${banner} (${config.retries} retries)`;
                """)
        let summary = try runtime.evalModule("main")["summary"]  // "Welcome! (3 retries)"
        // end snippet
        return summary ?? .undefined
    }

    /// Top-level `await`, even from the synchronous `evalModule`.
    package static func topLevelAwait() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: top-level-await
        runtime.addStaticModule(
            "ready",
            source: """
                await new Promise(resolve => setTimeout(resolve, 10));
                export const ready = true;
                """)
        // Blocks this thread while the runtime's event loop runs the timer.
        let exports = try runtime.evalModule("ready")  // ["ready": true]
        // end snippet
        return exports
    }

    /// Each module is loaded and evaluated once per runtime.
    package static func caching() throws -> (counted: JSValue, loads: Int) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: caching
        let loads = Mutex(0)
        runtime.moduleResolver = { specifier, _ in "memory:\(specifier)" }
        runtime.synchronousModuleLoader = { specifier in
            loads.withLock { $0 += 1 }
            return specifier == "memory:counter"
                ? "globalThis.evaluations = (globalThis.evaluations ?? 0) + 1; export const n = 1"
                : "import 'counter'; import 'counter'; export const done = true"
        }

        try runtime.evalModule("a")
        try runtime.evalModule("b")  // imports counter again: from the cache
        let counted = try runtime.eval("evaluations")  // 1: counter ran once
        // loads == 3: a, counter, b
        // end snippet
        return (counted, loads.withLock { $0 })
    }

    /// What goes wrong with modules, and what it throws.
    package static func errors() throws -> (missing: ModuleError?, thrown: JavaScriptError?) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: errors
        var missing: ModuleError?
        var thrown: JavaScriptError?
        runtime.addStaticModule("main", source: "import { x } from './missing.js'")
        runtime.addStaticModule("broken", source: "throw new Error('not configured')")

        do {
            try runtime.evalModule("main")
        } catch let error as ModuleError {
            missing = error  // reason .unresolved, specifier "./missing.js", referrer "static:main"
        }
        do {
            try runtime.evalModule("broken")
        } catch let error as JavaScriptError {
            thrown = error  // what a module throws stays a JavaScriptError: "not configured"
        }
        // end snippet
        return (missing, thrown)
    }
}
