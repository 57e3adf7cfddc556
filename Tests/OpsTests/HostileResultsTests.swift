import Foundation
import JSRunConvert
import JSRunIsolate
import JSRunTestSupport
import Testing

@testable import JSRunOps

/// A typed binding whose `Encodable` result contains itself (issue "Hostile bytes"): its
/// encoding overflowed the runtime thread's stack. It is refused at the runtime's `maxDepth`, or
/// where the stack ends, with an error JavaScript can catch, and the runtime works next. Exit
/// tests, since the case crashed the process.
@Suite struct HostileResultsTests {
    /// A list that holds itself.
    final class List: Encodable, Sendable {
        nonisolated(unsafe) var items: [List] = []

        static func cyclic() -> List {
            let list = List()
            list.items = [list]
            return list
        }
    }

    /// What `list()` throws in JavaScript, as `name: message`.
    static func thrownByCallingList(_ runtime: Runtime) throws -> String {
        try runtime.eval("try { list(); 'no error' } catch (e) { `${e.name}: ${e.message}` }").stringValue ?? "?"
    }

    @Test func aCyclicResultIsRefusedAtTheRuntimesDepth() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(RuntimeConfig(conversionLimits: ConversionLimits(maxDepth: 20)))
                try runtime.bind("list") { () -> List in List.cyclic() }
                try runtime.bind("later") { () async -> List in List.cyclic() }
                let thrown = try Self.thrownByCallingList(runtime)
                let path = "$" + String(repeating: ".items[0]", count: 10)
                try check(
                    thrown.hasPrefix("EncodingError: ")
                        && thrown.contains("\(path): the value is nested more than 20 levels"),
                    thrown)
                let rejected = try await runtime.evalAsync("later().then(() => 'no error', (e) => e.message)")
                try check(rejected.stringValue?.contains("nested more than 20 levels") == true, "\(rejected)")
                // bindObject's encoder too.
                let bound = Result { try runtime.bindObject("cyclic", List.cyclic()) }
                guard case .failure(let error as EncodingError) = bound, case .invalidValue(_, let context) = error,
                    context.debugDescription.contains("nested more than 20 levels")
                else { return try check(false, "bindObject: \(bound)") }
                try check(try runtime.eval("'survives'") == "survives", "the runtime")
                runtime.close()
            }
        }
    }

    /// With a `maxDepth` of ten million, the runtime thread's stack is the limit.
    @Test func aCyclicResultIsRefusedWhereTheStackEnds() async {
        await #expect(processExitsWith: .success) {
            await inChildProcess {
                let runtime = try Runtime(
                    RuntimeConfig(conversionLimits: ConversionLimits(maxDepth: 10_000_000, maxBytes: .max)))
                try runtime.bind("list") { () -> List in List.cyclic() }
                let thrown = try Self.thrownByCallingList(runtime)
                try check(thrown.contains(": the value is nested deeper than the stack of this thread holds ("), thrown)
                try check(try runtime.eval("'survives'") == "survives", "the runtime")
                runtime.close()
            }
        }
    }
}
