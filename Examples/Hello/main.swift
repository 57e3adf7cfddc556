// The example from the README, compiled by `make test` so it stays true.
import JSRun

let runtime = try Runtime()
defer { runtime.close() }

try runtime.eval("function greet(name) { return `Hello, ${name}!` }")
let greeting = try runtime.eval("greet('Swift')", as: String.self)
print(greeting)  // Hello, Swift!

struct Point: Decodable { var x: Double, y: Double }
let point = try runtime.eval("({ x: 3, y: 4 })", as: Point.self)
print(point)  // Point(x: 3.0, y: 4.0)

let total = try await runtime.evalAsync("Promise.resolve([1, 2, 3].reduce((a, b) => a + b))")
print(total)  // 6

do {
    try runtime.eval("null.answer")
} catch let error as JavaScriptError {
    print(error.name ?? "", error.message)  // TypeError Cannot read properties of null (reading 'answer')
}
