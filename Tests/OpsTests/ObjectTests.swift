import JSRunConvert
import JSRunIsolate
import Testing

@testable import JSRunOps

private struct Settings: Encodable {
    var theme: String
    var sizes: [Int]
}

@Suite struct ObjectTests {
    let runtime: Runtime
    init() throws { runtime = try Runtime() }

    @Test func valuesAndEncodablesBecomeObjects() throws {
        try runtime.bindObject("config", ["debug": true, "version": "1.0", "limits": ["max": 3]])
        try runtime.bindObject("app.settings", Settings(theme: "dark", sizes: [1, 2]))
        #expect(try runtime.eval("[config.debug, config.version, config.limits.max]") == [true, "1.0", 3])
        #expect(try runtime.eval("app.settings") == ["theme": "dark", "sizes": [1, 2]])
        // Binding again replaces.
        try runtime.bindObject("config", ["debug": false])
        #expect(try runtime.eval("config") == ["debug": false])
    }

    @Test func aBuilderMixesValuesAndFunctionsAtAnyDepth() async throws {
        try runtime.bindObject("api") { api in
            try api.value("version", "2.1")
            api.function("add") { (a: Int, b: Int) in a + b }
            try api.object("users") { users in
                users.function("count") { (_: [JSValue]) in .number(3) }
                try users.object("admin") { admin in
                    admin.function("find") { (id: String) async throws -> [String: String] in ["id": id] }
                    try admin.value("roles", ["root"])
                }
            }
        }
        #expect(try runtime.eval("[api.version, api.add(1, 2), api.users.count()]") == ["2.1", 3, 3])
        #expect(try await runtime.evalAsync("api.users.admin.find('ada')") == ["id": "ada"])
        #expect(try runtime.eval("api.users.admin.roles") == ["root"])
        #expect(try runtime.eval("typeof api.users.admin.find") == "function")
    }

    @Test func functionHandlesInAValueAreTheFunctionsAgain() throws {
        let triple = try #require(try runtime.eval("globalThis.tripleIt = x => x * 3; tripleIt").function)
        try runtime.bindObject("tools", ["triple": .function(triple), "name": "tools"])
        #expect(try runtime.eval("[tools.triple(4), tools.triple === tripleIt]") == [12, true])
    }

    @Test func aNameThatCannotHoldAnObjectIsAClearError() throws {
        try runtime.eval("globalThis.flag = 1")
        let error = #expect(throws: JavaScriptError.self) { try runtime.bindObject("flag.inner", ["a": 1]) }
        #expect(error?.message.contains("'flag': it is not an object") == true)
        #expect(throws: RuntimeError.self) { try runtime.bindObject("", ["a": 1]) }
    }
}
