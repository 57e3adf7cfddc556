import Foundation
import JSRun

/// The code of `docs/guides/Performance.md`; see ``GettingStarted`` for how snippets are marked.
package enum Performance {
    /// One runtime for many calls, not one per call.
    package static func reuse(_ inputs: [Int]) throws -> [Int] {
        // snippet: reuse
        // Creating a runtime takes about 2 ms; a call on a warm one, a few microseconds.
        let runtime = try Runtime(RuntimeConfig(bootstrap: "function score(n) { return n * n + 1 }"))
        defer { runtime.close() }

        let score = try runtime.eval("score").function!  // compiled once, called many times
        let scores = try inputs.map { try score.call(.number(Double($0)), as: Int.self) }
        // end snippet
        return scores
    }

    /// The loop in JavaScript: one crossing instead of thousands.
    package static func batch() throws -> (oneCall: Double, manyCalls: Double) {
        let runtime = try Runtime()
        defer { runtime.close() }
        try runtime.eval("function score(n) { return n * n + 1 }")
        // snippet: batch
        // 10,000 round trips: each crosses to the runtime's thread and back.
        var manyCalls = 0.0
        for n in 0..<10_000 {
            manyCalls += try runtime.eval("score(\(n))", as: Double.self)
        }

        // One call: the loop runs in JavaScript, and one number crosses back.
        let oneCall = try runtime.eval(
            "{ let total = 0; for (let n = 0; n < 10000; n++) total += score(n); total }", as: Double.self)
        // oneCall == manyCalls
        // end snippet
        return (oneCall, manyCalls)
    }

    /// Host functions whose arguments and result are primitives, or small objects of them.
    package static func fastHostCalls() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: fast-host-calls
        // Primitive arguments (Double, Int, String, Bool) and a primitive result: no serialization.
        try runtime.bind("clamp") { (x: Double, low: Double, high: Double) in min(max(x, low), high) }
        // A small dictionary of primitives is made directly as a JavaScript object.
        try runtime.bind("point") { (x: Int, y: Int) in ["x": x, "y": y] }

        let result = try runtime.eval(
            "{ let s = 0; for (let i = 0; i < 1000; i++) s += clamp(i, 10, 20) + point(i, 1).y; s }")
        // 20845
        // end snippet
        return result
    }

    /// Results: small, and as `JSValue` where a `Decodable` is not needed.
    package static func smallResults() throws -> (count: Int, total: Double, first: Double?) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: small-results
        try runtime.eval("globalThis.rows = Array.from({ length: 20000 }, (_, i) => ({ i, price: i * 0.5 }))")

        // Ask for what Swift needs: JavaScript computes, one number crosses.
        let total = try runtime.eval("rows.reduce((sum, row) => sum + row.price, 0)", as: Double.self)

        // When the rows are needed, JSValue is the cheapest form; a Decodable costs about 3 times more.
        let rows = try runtime.eval("rows")
        let count = rows.arrayValue?.count ?? 0  // 20000
        let first = rows[1]?["price"]?.numberValue  // 0.5
        // end snippet
        return (count, total, first)
    }

    /// Binary data: large buffers leave JavaScript without a copy.
    package static func bytes() throws -> (count: Int, sum: JSValue) {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: bytes
        // A large Uint8Array comes out without being copied: JSBytes points into V8's buffer.
        let image = try runtime.eval("new Uint8Array(1 << 20).fill(7)").bytesValue!
        let count = image.data.count  // 1048576

        // Into JavaScript, Data is one Uint8Array (copied once), not an array of numbers.
        let sum = try runtime.eval("(bytes) => bytes.reduce((a, b) => a + b, 0)").function!
        let total = try sum.call(.bytes(JSBytes(Data(repeating: 1, count: 1000))))  // .number(1000)
        // end snippet
        return (count, total)
    }
}
