import Foundation
import JSRunConvert
import JSRunIsolate
import JSRunPlatform
import JSRunTestSupport
import Testing

@testable import JSRunOps

/// Honest errors across the host boundary (issue "Hostile code", part 6).
@Suite struct HostErrorTests {
    /// Host functions that call back into JavaScript until the stack runs out: the RangeError
    /// V8 raises reaches Swift, not an error with no name and no message (the error record of
    /// the innermost call could not be written at the stack's limit).
    @Test func reentrantHostCallsKeepTheirRangeError() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                try expectReentrantRangeError()
            }
        }
    }

    /// The same with the largest `--stack-size` allowed: V8 stops JavaScript with its RangeError
    /// while the runtime thread's stack still holds the host's frames.
    @Test func reentrantHostCallsUnderTheLargestStackSize() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                do {
                    try V8Platform.setFlags("--stack-size=8000")
                    try check(false, "--stack-size=8000 was accepted")
                } catch V8PlatformError.invalidFlags {}
                try V8Platform.setFlags("--stack-size=\(V8Platform.maximumStackSize)")
                try check(!V8Platform.flags.contains("--stack-size=8000"), "the refused flags were set")
                try expectReentrantRangeError()
                let runtime = try Runtime()
                defer { runtime.close() }
                do {
                    try runtime.eval("(function f(n) { return f(n + 1) + 1 })(0)")
                    try check(false, "the recursion ended")
                } catch let error as JavaScriptError {
                    try check(error.name == "RangeError", "the error is \(error)")
                }
            }
        }
    }
}

extension HostErrorTests {
    struct Overdrawn: Error, CustomStringConvertible {
        var amount: Int
        var description: String { "overdrawn by \(amount)" }
    }

    /// A Swift error that JavaScript changed and rethrew is what JavaScript made of it: before,
    /// Swift got the original back, whatever the script had done to it.
    @Test func aSwiftErrorThatJavaScriptChangedIsAJavaScriptError() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.bind("withdraw") { (amount: Int) throws -> Int in throw Overdrawn(amount: amount) }
        try runtime.bind("later") { (amount: Int) async throws -> Int in throw Overdrawn(amount: amount) }

        let message = #expect(throws: JavaScriptError.self) {
            try runtime.eval("try { withdraw(5) } catch (e) { e.message = 'changed'; throw e }")
        }
        #expect(message?.name == "Overdrawn")
        #expect(message?.message == "changed")
        #expect(message?.stack?.hasPrefix("Overdrawn: changed") == true)

        let name = #expect(throws: JavaScriptError.self) {
            try runtime.eval("try { withdraw(5) } catch (e) { e.name = 'Refused'; throw e }")
        }
        #expect(name?.name == "Refused")
        #expect(name?.message == "overdrawn by 5")

        // Through a promise too.
        let rejected = await #expect(throws: JavaScriptError.self) {
            try await runtime.evalAsync("later(3).catch(e => { e.message = 'later, changed'; throw e })")
        }
        #expect(rejected?.message == "later, changed")

        // Unchanged, or changed only where a JavaScriptError does not show it, it is the
        // original still.
        let same = #expect(throws: Overdrawn.self) {
            try runtime.eval("try { withdraw(7) } catch (e) { e.code = 42; throw e }")
        }
        #expect(same?.amount == 7)
        await #expect(throws: Overdrawn.self) { try await runtime.evalAsync("later(8).catch(e => { throw e })") }
    }
}

/// Typed bindings, function handles and untyped ones, each recursing through the host.
func expectReentrantRangeError() throws {
    let runtime = try Runtime()
    defer { runtime.close() }
    try runtime.bind("again") { (n: Int) -> JSValue in try runtime.eval("again(\(n + 1))") }
    try runtime.bind("viaHandle") { (arguments: [JSValue]) -> JSValue in
        try arguments[0].function!.call(arguments[1])
    }
    try runtime.bind("untyped") { (arguments: [JSValue]) -> JSValue in
        try runtime.eval("untyped(\((arguments[0].intValue ?? 0) + 1))")
    }
    for script in ["again(0)", "function f(n) { return viaHandle(f, n + 1) }; f(0)", "untyped(0)"] {
        do {
            let value = try runtime.eval(script)
            try check(false, "\(script) returned \(value)")
        } catch let error as JavaScriptError {
            try check(
                error.name == "RangeError" && error.message == "Maximum call stack size exceeded",
                "\(script) threw \(error.name.debugDescription): \(error.message.debugDescription)")
        }
    }
    try check(try runtime.eval("'still usable'") == "still usable", "the runtime does not answer")
}
