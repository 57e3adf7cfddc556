import CJSRunV8
import JSRunPlatform

/// A snapshot of a runtime's memory and activity, from ``Runtime/stats()``.
///
/// The fields are those of the reference library's `RuntimeStats`, with the same meaning,
/// except the stream counters, which arrive with the streams themselves.
public struct RuntimeStats: Sendable, Equatable, CustomStringConvertible {
    /// The kind of a call, for ``lastExecutionKind``.
    public enum ExecutionKind: String, Sendable, CaseIterable {
        /// ``Runtime/eval(_:name:timeout:)``. (Binding host functions, ops and values into
        /// JavaScript is not counted as a call of any kind.)
        case evalSync
        /// ``Runtime/evalAsync(_:name:timeout:)``.
        case evalAsync
        /// `evalModule` (JSRunLoader), which blocks its caller.
        case evalModuleSync
        /// `evalModuleAsync` (JSRunLoader).
        case evalModuleAsync
        /// ``JSRunConvert/JSFunction/call(_:timeout:)`` and its overloads, which block their caller.
        case callFunctionSync
        /// ``JSRunConvert/JSFunction/callAsync(_:timeout:)``, its overloads and
        /// ``JSRunConvert/JSFunction/callAsFunction(_:)``.
        case callFunctionAsync

        var index: Int {
            switch self {
            case .evalSync: 0
            case .evalAsync: 1
            case .evalModuleSync: 2
            case .evalModuleAsync: 3
            case .callFunctionSync: 4
            case .callFunctionAsync: 5
            }
        }
    }

    // Heap, from V8's heap statistics.
    /// Bytes V8 has reserved for the JavaScript heap.
    public var heapTotalBytes: Int
    /// Bytes of the heap in use by live (and not yet collected) objects.
    public var heapUsedBytes: Int
    /// The heap's limit: ``RuntimeConfig/maxHeapSize`` or V8's default.
    public var heapLimitBytes: Int
    /// Memory held outside the heap by JavaScript objects (ArrayBuffer contents, ...).
    public var externalMemoryBytes: Int
    /// Physical memory the heap occupies (V8's total physical size; not the process's RSS).
    public var physicalTotalBytes: Int

    // Timing.
    /// The sum of the durations of every call so far, failed ones included.
    public var totalExecutionTime: Duration
    /// The duration of the last call to finish; zero before any.
    public var lastExecutionTime: Duration
    /// The kind of the last call to finish; `nil` before any.
    public var lastExecutionKind: ExecutionKind?

    // Counters, each counting calls that finished, failed ones included.
    /// Calls of kind ``ExecutionKind/evalSync`` so far.
    public var evalSyncCount: Int
    /// Calls of kind ``ExecutionKind/evalAsync`` so far.
    public var evalAsyncCount: Int
    /// Calls of kind ``ExecutionKind/evalModuleSync`` so far.
    public var evalModuleSyncCount: Int
    /// Calls of kind ``ExecutionKind/evalModuleAsync`` so far.
    public var evalModuleAsyncCount: Int
    /// Calls of kind ``ExecutionKind/callFunctionSync`` so far.
    public var callFunctionSyncCount: Int
    /// Calls of kind ``ExecutionKind/callFunctionAsync`` so far.
    public var callFunctionAsyncCount: Int

    // Activity.
    /// Async calls waiting for their promise (`evalAsync`, async function calls).
    public var activeAsyncOps: Int
    /// Resources the runtime holds for the host: function handles not yet released.
    public var openResources: Int
    /// Pending `setTimeout` timers.
    public var activeTimers: Int
    /// Pending `setInterval` timers.
    public var activeIntervals: Int

    public var description: String {
        "RuntimeStats(heapUsedBytes: \(heapUsedBytes), totalExecutionTime: \(totalExecutionTime), "
            + "lastExecutionKind: \(lastExecutionKind?.rawValue ?? "nil"), activeAsyncOps: \(activeAsyncOps), "
            + "openResources: \(openResources), evalSyncCount: \(evalSyncCount), "
            + "callFunctionAsyncCount: \(callFunctionAsyncCount), callFunctionSyncCount: \(callFunctionSyncCount))"
    }

    /// The counters the engine keeps as calls finish.
    struct Counters {
        var total: Duration = .zero
        var last: Duration = .zero
        var lastKind: ExecutionKind?
        /// Calls finished, by kind, in `ExecutionKind.allCases` order (an array: this runs after
        /// every call, and hashing a dictionary key would cost more than the rest).
        var counts = [Int](repeating: 0, count: ExecutionKind.allCases.count)
        var activeAsyncOps = 0

        mutating func record(_ kind: ExecutionKind, _ elapsed: Duration) {
            total += elapsed
            last = elapsed
            lastKind = kind
            counts[kind.index] += 1
        }

        func count(_ kind: ExecutionKind) -> Int { counts[kind.index] }
    }

    init(heap: cv8_stats, counters: Counters) {
        heapTotalBytes = heap.heap_total_bytes
        heapUsedBytes = heap.heap_used_bytes
        heapLimitBytes = heap.heap_limit_bytes
        externalMemoryBytes = heap.external_memory_bytes
        physicalTotalBytes = heap.physical_total_bytes
        totalExecutionTime = counters.total
        lastExecutionTime = counters.last
        lastExecutionKind = counters.lastKind
        evalSyncCount = counters.count(.evalSync)
        evalAsyncCount = counters.count(.evalAsync)
        evalModuleSyncCount = counters.count(.evalModuleSync)
        evalModuleAsyncCount = counters.count(.evalModuleAsync)
        callFunctionSyncCount = counters.count(.callFunctionSync)
        callFunctionAsyncCount = counters.count(.callFunctionAsync)
        activeAsyncOps = counters.activeAsyncOps
        openResources = Int(heap.function_handles)
        activeTimers = Int(heap.active_timers)
        activeIntervals = Int(heap.active_intervals)
    }
}

extension Engine {
    /// The stats, read on the runtime thread: as a job when it is idle, or by interrupting the
    /// JavaScript that runs, whichever comes first. Blocks until then.
    func stats() throws -> RuntimeStats {
        var snapshot = RuntimeStats(heap: try heapStats(), counters: counters.withLock { $0 })
        snapshot.activeAsyncOps += asyncCalls.count
        return snapshot
    }

    private func heapStats() throws -> cv8_stats {
        if isOnRuntimeThread { return readHeap() }
        // Work may be queued ahead of the stats job, and its JavaScript may run long: then an
        // interrupt answers from inside it.
        let workAhead = queue.hasWaitingJobs
        let heap = Completion<cv8_stats>()
        guard pushStatsJob(heap) else { throw endingError }
        requestInterrupt(heap, evenIfIdle: workAhead)
        return try heap.wait(spinningFor: Self.callerSpin)
    }
}

/// What an interrupt callback completes; retained until the callback runs.
final class HeapRequest: @unchecked Sendable {
    let completion: Completion<cv8_stats>
    let isolate: IsolateHandle
    init(_ completion: Completion<cv8_stats>, _ isolate: IsolateHandle) {
        self.completion = completion
        self.isolate = isolate
    }
}

let heapInterrupt: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
    let request = Unmanaged<HeapRequest>.fromOpaque(context!).takeRetainedValue()
    var stats = cv8_stats()
    cv8_isolate_stats(request.isolate.pointer, &stats)
    request.completion.succeed(stats)
}
