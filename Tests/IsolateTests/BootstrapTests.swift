import JSRunConvert
import Testing

@testable import JSRunIsolate

@Suite struct BootstrapTests {
    @Test func theBootstrapRunsBeforeUserCode() throws {
        let runtime = try Runtime(RuntimeConfig(bootstrap: "globalThis.VERSION = '1.0'; const secret = 42"))
        defer { runtime.close() }
        #expect(try runtime.eval("VERSION") == "1.0")
        #expect(try runtime.eval("secret") == 42)
        // Another config, another runtime: nothing shared.
        let plain = try Runtime()
        defer { plain.close() }
        #expect(try plain.eval("typeof VERSION") == "undefined")
    }

    @Test func aBootstrapErrorFailsCreationWithTheJavaScriptError() {
        let error = #expect(throws: JavaScriptError.self) {
            try Runtime(RuntimeConfig(bootstrap: "throw new Error('bad boot')"))
        }
        #expect(error?.message == "bad boot")
        #expect(error?.frames.first?.file == "<bootstrap>")
        let syntax = #expect(throws: JavaScriptError.self) { try Runtime(RuntimeConfig(bootstrap: "let = ;")) }
        #expect(syntax?.name == "SyntaxError")
    }

    @Test func globalsAreThoseOfASandbox() throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        #expect(try runtime.eval("typeof globalThis") == "object")
        #expect(try runtime.eval("typeof console.log") == "function")
        let timers = try runtime.eval("[typeof setTimeout, typeof setInterval, typeof queueMicrotask]")
        #expect(timers == ["function", "function", "function"])
        let absent = try runtime.eval("[typeof require, typeof process, typeof fetch, typeof Deno]")
        #expect(absent == ["undefined", "undefined", "undefined", "undefined"])
        // The console is disabled by default: its methods do nothing.
        #expect(try runtime.eval("console.log('nowhere')") == .undefined)
    }

    @Test func theConsoleReachesTheHostWhenEnabled() throws {
        let messages = MessageLog()
        let runtime = try Runtime(RuntimeConfig(console: .handler { messages.append($0) }))
        try runtime.eval("console.log('sum', {a: 1}); console.warn('careful'); console.error(new Error('x').message)")
        try runtime.eval("console.debug(() => 1, Symbol('s'))")
        runtime.close()
        let all = messages.all
        #expect(all.map(\.level) == [.log, .warn, .error, .debug])
        #expect(all.first?.text == "sum { a: 1 }")
        #expect(all[1].text == "careful")
        #expect(all[3].text == "[Function (anonymous)] Symbol(s)")
    }
}

@Suite struct WebAssemblyTests {
    /// A module exporting `add(a: i32, b: i32) -> i32`, written out by hand.
    static let addModule: [UInt8] = [
        0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,  // magic, version 1
        0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,  // type: (i32, i32) -> i32
        0x03, 0x02, 0x01, 0x00,  // function 0 has type 0
        0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,  // export "add" = function 0
        0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,  // local.get 0, local.get 1, i32.add
    ]

    @Test func instantiateAModuleAndCallItsExport() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        let bytes = Self.addModule.map(String.init).joined(separator: ",")
        let sum = try await runtime.evalAsync(
            "WebAssembly.instantiate(new Uint8Array([\(bytes)])).then(({instance}) => instance.exports.add(5, 7))")
        #expect(sum == 12)
        // The synchronous API too, and the export as a function handle.
        let add = try #require(
            try runtime.eval("new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([\(bytes)]))).exports.add")
                .function)
        #expect(try add.call(10, 20) == 30)
    }
}
