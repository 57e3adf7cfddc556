import JSRunConvert
import Testing

@testable import JSRunIsolate

@Suite struct ErrorTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func thrownErrorsCarryNameMessageStackAndFrames() throws {
        let source = """
            function inner() { throw new TypeError('boom') }
            function outer() { inner() }
            outer()
            """
        let error = try #require(throws: JavaScriptError.self) { try runtime.eval(source, name: "app.js") }
        #expect(error.name == "TypeError")
        #expect(error.message == "boom")
        #expect(error.stack?.hasPrefix("TypeError: boom\n    at inner (app.js:1:26)") == true)
        #expect(error.frames.count == 3)
        #expect(error.frames[0] == StackFrame(function: "inner", file: "app.js", line: 1, column: 26))
        #expect(error.frames[1] == StackFrame(function: "outer", file: "app.js", line: 2, column: 20))
        #expect(error.frames[2] == StackFrame(function: nil, file: "app.js", line: 3, column: 1))
        #expect(error.thrownValue == nil)
        #expect(error.description.hasPrefix("TypeError: boom\n    at inner (app.js:1:26)"))
    }

    @Test func syntaxErrorsSayWhere() throws {
        let error = try #require(throws: JavaScriptError.self) {
            try runtime.eval("let x = 1;\nlet y = ;", name: "bad.js")
        }
        #expect(error.name == "SyntaxError")
        #expect(error.message == "Unexpected token ';'")
        #expect(error.frames == [StackFrame(file: "bad.js", line: 2, column: 9)])
        #expect(error.description == "SyntaxError: Unexpected token ';' (at bad.js:2:9)")
        let function = try #require(throws: JavaScriptError.self) { try runtime.eval("function() { return 42; }") }
        #expect(function.name == "SyntaxError")
        #expect(function.message.contains("function"))
    }

    @Test func subclassesKeepTheirName() throws {
        let error = try #require(throws: JavaScriptError.self) {
            try runtime.eval(
                "class MyErr extends Error { constructor(m) { super(m); this.name = 'MyErr' } }; throw new MyErr('custom')"
            )
        }
        #expect(error.name == "MyErr")
        #expect(error.message == "custom")
    }

    @Test func thrownNonErrorValuesAreKeptAsValues() throws {
        let string = try #require(throws: JavaScriptError.self) { try runtime.eval("throw 'str'") }
        #expect(string.name == nil)
        #expect(string.message == "Uncaught str")
        #expect(string.thrownValue == "str")
        #expect(string.stack == nil)
        #expect(string.frames.first?.line == 1)

        let object = try #require(throws: JavaScriptError.self) { try runtime.eval("throw {code: 5, why: 'x'}") }
        #expect(object.message == "Uncaught [object Object]")
        #expect(object.thrownValue == ["code": 5, "why": "x"])

        #expect(try #require(throws: JavaScriptError.self) { try runtime.eval("throw null") }.thrownValue == .null)
        #expect(
            try #require(throws: JavaScriptError.self) { try runtime.eval("throw undefined") }.thrownValue == .undefined
        )
        #expect(try #require(throws: JavaScriptError.self) { try runtime.eval("throw 42") }.message == "Uncaught 42")
    }

    @Test func thrownValuesWithoutARepresentationStillMakeAnError() throws {
        let symbol = try #require(throws: JavaScriptError.self) { try runtime.eval("throw Symbol('tag')") }
        #expect(symbol.message == "Uncaught tag")
        #expect(symbol.thrownValue == nil)
        let function = try #require(throws: JavaScriptError.self) { try runtime.eval("throw function named() {}") }
        #expect(function.message.hasPrefix("Uncaught function named()"))
        #expect(function.thrownValue == nil)
        let weakMap = try #require(throws: JavaScriptError.self) { try runtime.eval("throw new WeakMap()") }
        #expect(weakMap.message == "Uncaught [object WeakMap]")
        #expect(weakMap.thrownValue == nil)
        // A BigInt is a value like any other.
        let bigint = try #require(throws: JavaScriptError.self) { try runtime.eval("throw 12n") }
        #expect(bigint.message == "Uncaught 12")
        #expect(bigint.thrownValue == .bigInt(12))
    }

    @Test func errorMessagesThatThrowDoNotBreakTheReport() throws {
        let error = try #require(throws: JavaScriptError.self) {
            try runtime.eval(
                "const e = new Error('x'); Object.defineProperty(e, 'message', { get() { throw 1 } }); throw e")
        }
        #expect(error.name == "Error")
        #expect(error.message == "")
        #expect(try runtime.eval("'still alive'") == "still alive")
    }
}
