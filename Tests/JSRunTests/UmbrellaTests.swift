import JSRun
import Testing

/// `import JSRun` alone gives every module's API.
@Suite struct UmbrellaTests {
    @Test func oneImportGivesTheWholeSDK() async throws {
        #expect(V8Platform.version.hasPrefix("10.2"))  // Platform
        let value: JSValue = ["answer": 42]  // Convert
        try await Runtime.with { (runtime: Runtime) async throws in  // Isolate
            #expect(try runtime.eval("({answer: 42})") == value)
            #expect(try await runtime.evalAsync("Promise.resolve('ok')") == "ok")
        }
    }

    @Test func theReadmeExampleRuns() async throws {
        // Mirrors Examples/Hello/main.swift, which `make test` builds.
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.eval("function greet(name) { return `Hello, ${name}!` }")
        #expect(try runtime.eval("greet('Swift')", as: String.self) == "Hello, Swift!")
        struct Point: Decodable, Equatable { var x: Double, y: Double }
        #expect(try runtime.eval("({ x: 3, y: 4 })", as: Point.self) == Point(x: 3, y: 4))
        #expect(try await runtime.evalAsync("Promise.resolve([1, 2, 3].reduce((a, b) => a + b))") == 6)
        let error = try #require(throws: JavaScriptError.self) { try runtime.eval("null.answer") }
        #expect(error.name == "TypeError")
        #expect(error.message == "Cannot read properties of null (reading 'answer')")
    }
}
