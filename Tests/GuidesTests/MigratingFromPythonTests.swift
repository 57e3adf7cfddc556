import JSRun
import JSRunGuides
import JSRunTestSupport
import Testing

/// What docs/guides/MigratingFromPython.md says its snippets give.
@Suite struct MigratingFromPythonTests {
    @Test func basics() throws {
        let (sum, name) = try MigratingFromPython.basics()
        #expect(sum == 2)
        #expect(name == "hi")
    }

    @Test func configuration() throws {
        #expect(try MigratingFromPython.configuration() == "1.0")
    }

    @Test func binding() async throws {
        #expect(try await MigratingFromPython.binding() == "Ada #3 debug=true")
    }

    @Test func functions() async throws {
        #expect(try await MigratingFromPython.functions() == [10, 21, 8])
    }

    @Test func modules() async throws {
        #expect(try await MigratingFromPython.modules() == ["answer": 42])
    }

    @Test func ops() throws {
        #expect(try MigratingFromPython.ops() == "HEY")
    }

    @Test func defaultRuntime() async throws {
        #expect(try await onNewThread { try MigratingFromPython.defaultRuntime() }.value == 21)
    }

    @Test func errors() throws {
        #expect(try MigratingFromPython.errors() == ["TypeError boom", "timed out"])
    }

    @Test func values() throws {
        #expect(try MigratingFromPython.values() == ["true", "true", "1", "1.5", "18446744073709551616"])
    }

    @Test func receiver() throws {
        let (inPlace, bound, copy, unbound) = try MigratingFromPython.receiver()
        #expect(inPlace == 41)
        #expect(bound == 42)
        #expect(copy == 2)
        // Unbound, a sloppy-mode method's `this` is globalThis, which has no `n`.
        #expect(unbound.numberValue?.isNaN == true)
    }

    @Test func pendingPromise() async throws {
        let (sync, async) = try await MigratingFromPython.pendingPromise()
        #expect(sync == "a Promise at $ cannot be copied: await it (evalAsync, callAsync)")
        #expect(async == "done")
    }

    /// The differences the guide lists that its snippets do not show.
    @Test func theDifferences() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        // Host function arguments convert like results: null, undefined properties, Maps.
        try runtime.bind("echo") { (arguments: [JSValue]) -> JSValue in .array(arguments) }
        #expect(
            try runtime.eval("echo(null, { a: undefined }, new Map([[1, 2]]))")
                == [.null, ["a": .undefined], .map(JSMap([(1, 2)]))])
        // No tags: __jsrun_type is a property like any other.
        #expect(try runtime.eval("({ __jsrun_type: 'Undefined' })") == ["__jsrun_type": "Undefined"])
        // An async host function works from a synchronous eval; its promise settles later.
        try runtime.bind("later") { (x: Int) async throws -> Int in
            try await Task.sleep(for: .milliseconds(5))
            return x + 1
        }
        try runtime.eval("later(1).then(v => { globalThis.settled = v }); 0")
        try await runtime.waitUntilIdle()
        #expect(try runtime.eval("settled") == 2)
        // An async module loader works from the synchronous evalModule.
        runtime.moduleResolver = { specifier, _ in "remote:\(specifier)" }
        runtime.moduleLoader = { _ in
            try await Task.sleep(for: .milliseconds(5))
            return "export const fetched = true"
        }
        #expect(try await onNewThread { try runtime.evalModule("a.js") }.value == ["fetched": true])
        // Two entry modules in one runtime.
        #expect(try await runtime.evalModuleAsync("b.js") == ["fetched": true])
        // Depth counts containers only.
        let shallow = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxDepth: 2)))
        defer { shallow.close() }
        #expect(try shallow.eval("[[1]]") == [[1]])
    }
}
