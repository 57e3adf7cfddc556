import JSRunConvert
import JSRunIsolate
import Testing

@testable import JSRunLoader

/// The process keeps V8's code for module sources compiled more than once (modules.cc): what
/// runs must not change.
@Suite struct CodeCacheTests {
    /// Sources new to this process, so that each test sees their first compiles.
    private static func tag() -> String { String(UInt64.random(in: 1 << 60..<1 << 61)) }

    @Test func sourcesOfTheSameLengthKeepTheirOwnCode() throws {
        let tag = Self.tag()
        // Three runtimes: from the third on, both sources compile from the process's cached code.
        for _ in 0..<4 {
            let runtime = try Runtime()
            runtime.addStaticModule("a", source: "export const v = 'A\(tag)'")
            runtime.addStaticModule("b", source: "export const v = 'B\(tag)'")
            #expect(try runtime.evalModule("a") == ["v": .string("A\(tag)")])
            #expect(try runtime.evalModule("b") == ["v": .string("B\(tag)")])
            runtime.close()
        }
    }

    @Test func cachedCodeTakesItsNameAndPlaceFromItsOwnModule() throws {
        let source = "// \(Self.tag())\n\nexport function fail() { throw new Error('from ' + import.meta.url) }"
        for index in 0..<4 {
            let runtime = try Runtime()
            runtime.addStaticModule("lib\(index)", source: source)
            let fail = try #require(try runtime.evalModule("lib\(index)")["fail"]?.function)
            let error = try #require(throws: JavaScriptError.self) { try fail.call() }
            #expect(error.message == "from static:lib\(index)")
            #expect(error.frames.first?.file == "static:lib\(index)")
            #expect(error.frames.first?.line == 3)
            runtime.close()
        }
    }
}
