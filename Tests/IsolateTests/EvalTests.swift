import JSRunConvert
import Testing

@testable import JSRunIsolate

@Suite struct EvalTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func primitives() throws {
        #expect(try runtime.eval("2 + 2") == .number(4))
        #expect(try runtime.eval("0.1 + 0.2") == .number(0.1 + 0.2))
        #expect(try runtime.eval("-0").numberValue?.sign == .minus)
        #expect(try runtime.eval("NaN").numberValue?.isNaN == true)
        #expect(try runtime.eval("-Infinity") == .number(-.infinity))
        #expect(try runtime.eval("2 ** 32") == .number(4_294_967_296))
        #expect(try runtime.eval("'hi'") == "hi")
        #expect(try runtime.eval("true") == true)
        #expect(try runtime.eval("null") == .null)
        #expect(try runtime.eval("undefined") == .undefined)
        #expect(try runtime.eval("") == .undefined)
        #expect(try runtime.eval("let declared = 1") == .undefined)
        #expect(try runtime.eval("if (true) { 'yes' }") == "yes")
    }

    @Test func stringsKeepAllOfUnicode() throws {
        #expect(try runtime.eval("'café'") == "café")  // one byte per character in V8
        #expect(try runtime.eval("'日本語 🎉'") == "日本語 🎉")  // two bytes per unit in V8
        #expect(try runtime.eval("'a\\u0000b'") == "a\u{0}b")
        // String holds only valid Unicode, so a lone surrogate is replaced.
        #expect(try runtime.eval("'x\\uD800y'") == "x\u{FFFD}y")
    }

    @Test func arraysAndObjectsKeepJavaScriptsOrder() throws {
        #expect(try runtime.eval("[1, 'two', [3], null]") == [1, "two", [3], nil])
        let object = try #require(try runtime.eval("({ b: 1, a: 2, 10: 'ten', 2: 'two' })").objectValue)
        #expect(object.keys == ["2", "10", "b", "a"])
        #expect(try runtime.eval("[1, , 3]") == [1, .undefined, 3])
        let sparse = try runtime.eval("const s = []; s[5] = 'x'; s")
        #expect(sparse.arrayValue?.count == 6)
        #expect(sparse[5] == "x")
        #expect(try runtime.eval("class P { constructor() { this.x = 1 } }; new P()") == ["x": 1])
    }

    @Test func sharedReferencesAreCopiedAndCyclesRefused() throws {
        #expect(try runtime.eval("const shared = {v: 1}; ({a: shared, b: shared})") == ["a": ["v": 1], "b": ["v": 1]])
        let error = #expect(throws: RuntimeError.self) {
            try runtime.eval("const c = {inner: {}}; c.inner.back = c; c")
        }
        #expect(error?.description.contains("$.inner.back") == true)
    }

    @Test func stateLivesBetweenCalls() throws {
        try runtime.eval("var a = 1; let b = 2; const c = 3; function f() { return a + b + c }")
        #expect(try runtime.eval("f()") == 6)
        let error = #expect(throws: JavaScriptError.self) { try runtime.eval("let b = 5") }
        #expect(error?.name == "SyntaxError")
        #expect(error?.message == "Identifier 'b' has already been declared")
    }

    @Test func decodesIntoSwiftTypes() throws {
        struct User: Decodable, Equatable { var name: String; var tags: [String]; var age: Int? }
        let user = try runtime.eval("({name: 'Ada', tags: ['math'], extra: true})", as: User.self)
        #expect(user == User(name: "Ada", tags: ["math"], age: nil))
        #expect(try runtime.eval("[1, 2, 3]", as: [Int].self) == [1, 2, 3])
        #expect(throws: DecodingError.self) { try runtime.eval("1.5", as: Int.self) }
    }

    @Test func intlWorks() throws {
        #expect(try runtime.eval("new Intl.NumberFormat('de-DE').format(1234.5)") == "1.234,5")
    }

    @Test func microtasksRunBeforeTheCallReturns() throws {
        try runtime.eval("globalThis.log = []; Promise.resolve().then(() => log.push('micro')); log.push('sync')")
        #expect(try runtime.eval("log") == ["sync", "micro"])
    }

    @Test func largeResultsArriveWhole() throws {
        let items = try runtime.eval("Array.from({length: 20000}, (_, i) => ({i, s: 'item' + i, f: i * 0.5}))")
        #expect(items.arrayValue?.count == 20_000)
        #expect(items[19_999] == ["i": 19_999, "s": "item19999", "f": 9_999.5])
    }

    @Test func gettersThatThrowWhileReadingTheResultAreJavaScriptErrors() throws {
        let error = #expect(throws: JavaScriptError.self) {
            try runtime.eval("({ get boom() { throw new RangeError('no reading') } })")
        }
        #expect(error?.name == "RangeError")
        #expect(try runtime.eval("'alive'") == "alive")
    }
}
