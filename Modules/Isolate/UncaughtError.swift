import CJSRunV8
import JSRunConvert
import Logging

/// An error that no caller gets: a promise rejected with no handler, or an exception thrown by
/// a timer's callback or a `queueMicrotask` callback. The runtime hands each to
/// ``RuntimeConfig/onUncaughtError``.
///
/// ```swift
/// let config = RuntimeConfig(onUncaughtError: { uncaught in
///     print(uncaught)   // Uncaught (in promise) Error: lost
///                       //     at <eval_async>:1:16
/// })
/// let runtime = try Runtime(config)
/// try await runtime.evalAsync("Promise.reject(new Error('lost')); 5")   // 5
/// ```
///
/// A rejection is reported once the JavaScript that made it has run, with its microtasks (the
/// call, the timer's callback, the event loop's turn), as Node reports one: a promise that gets
/// its handler by then (`const p = Promise.reject(e); p.catch(f)`, an `await` on a rejected
/// promise, a handler added in a microtask) is not reported. One that gets a handler only
/// later was reported all the same.
///
/// A promise that a call of the host awaits (``Runtime/evalAsync(_:name:timeout:)``,
/// ``JSRunConvert/JSFunction/callAsync(_:timeout:)``) is that call's: its rejection is the
/// call's error, never an uncaught one.
public struct UncaughtError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What did not catch the error.
    public enum Origin: String, Sendable, CaseIterable {
        /// A promise was rejected, and had no handler when the event loop's turn ended.
        case unhandledRejection
        /// A timer's callback (`setTimeout`, `setInterval`) threw. The other timers run on.
        case timer
        /// A callback that V8 runs on its own threw: a `queueMicrotask` callback, a
        /// `FinalizationRegistry`'s cleanup. The other microtasks run on.
        case microtask
    }

    /// Where the error came from.
    public var origin: Origin
    /// The error, as a call would have thrown it: for a rejection, its reason (a value that is
    /// not an `Error` has the message `"Uncaught (in promise) <value>"`).
    public var error: JavaScriptError

    /// An uncaught error from `origin`, for instance to test a handler.
    public init(origin: Origin, error: JavaScriptError) {
        self.origin = origin
        self.error = error
    }

    /// The error as a browser's console or Node print it, stack included:
    /// `Uncaught (in promise) Error: lost` for a rejection, `Uncaught TypeError: boom` for a
    /// timer's exception.
    public var description: String {
        // A thrown value that is not an Error has its prefix in its message already.
        guard error.name != nil else { return error.message }
        switch origin {
        case .unhandledRejection: return "Uncaught (in promise) \(error)"
        case .timer, .microtask: return "Uncaught \(error)"
        }
    }
}

extension Engine {
    /// An uncaught error from the shim, on the runtime thread: to the configured handler, or
    /// reported by default.
    func uncaught(_ origin: Int32, _ result: cv8_result) {
        let from: UncaughtError.Origin =
            switch UInt32(origin) {
            case CV8_UNCAUGHT_TIMER.rawValue: .timer
            case CV8_UNCAUGHT_MICROTASK.rawValue: .microtask
            default: .unhandledRejection
            }
        let error = UncaughtError(origin: from, error: JavaScriptError(record: result))
        if let handler = config.onUncaughtError {
            handler(error)
        } else {
            Self.report(error, console: config.console, runtimeName: config.name)
        }
    }

    /// What a runtime without ``RuntimeConfig/onUncaughtError`` does: the error's text at the
    /// error level of its console, or when the console is disabled, of the `JSRun` logger.
    static func report(_ error: UncaughtError, console: ConsoleOutput, runtimeName: String) {
        if console.isEnabled {
            console.emit(.error, arguments: [.string(error.description)], runtimeName: runtimeName)
        } else {
            uncaughtLogger.error(
                "\(error.description)",
                metadata: ["runtime": .string(runtimeName), "uncaught": .string(error.origin.rawValue)])
        }
    }

    /// Where uncaught errors go when neither a handler nor a console is set.
    static let uncaughtLogger = Logger(label: "JSRun")
}

/// The shim's callback for uncaught errors.
let uncaughtCallback: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<cv8_result>?) -> Void = {
    context, origin, result in
    guard let result else { return }
    Unmanaged<Engine>.fromOpaque(context!).takeUnretainedValue().uncaught(origin, result.pointee)
}
