import Foundation
import Synchronization

/// `Tests/Fixtures`, beside the test targets.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// Which specifiers a loader was asked for, in order.
final class LoaderLog: Sendable {
    private let calls = Mutex<[String]>([])

    func record(_ specifier: String) { calls.withLock { $0.append(specifier) } }
    var all: [String] { calls.withLock { $0 } }
    func count(_ specifier: String) -> Int { all.filter { $0 == specifier }.count }
}

/// A gate async code waits at until the test opens it: a loader that takes as long as the test
/// says, without sleeping.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
        var arrivalWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Waits until the gate opens (at once if it is open).
    func wait() async {
        await withCheckedContinuation { continuation in
            let (passes, arrived) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.arrivals += 1
                defer { state.arrivalWaiters.removeAll() }
                if state.isOpen { return (true, state.arrivalWaiters) }
                state.waiters.append(continuation)
                return (false, state.arrivalWaiters)
            }
            arrived.forEach { $0.resume() }
            if passes { continuation.resume() }
        }
    }

    /// Returns once some code waits at the gate (or has passed it).
    func someoneArrived() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.arrivals > 0 { return true }
                state.arrivalWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}

/// A thrown error a loader or resolver may throw, to find again in a ModuleError.
struct Unreachable: Error, CustomStringConvertible {
    var host: String
    var description: String { "\(host) is unreachable" }
}
