import Foundation
@_spi(Benchmarks) import JSRun

/// The operations the benchmarks measure, the same ones `peers/peers.py` measures for the
/// reference library and mini-racer.
public enum Workloads {
    /// (a) The round trip of a tiny synchronous evaluation.
    @inline(never)
    public static func evalRoundTrip(_ runtime: Runtime) throws -> JSValue {
        try runtime.eval("1+1")
    }

    /// (b) Awaiting an already resolved promise.
    @inline(never)
    public static func evalAsyncResolved(_ runtime: Runtime) async throws -> JSValue {
        try await runtime.evalAsync("Promise.resolve(1)")
    }

    /// (c) A runtime's whole life: create, evaluate, close.
    @inline(never)
    public static func createEvalClose() throws {
        let runtime = try Runtime()
        _ = try runtime.eval("1+1")
        runtime.close()
    }

    /// Defines (d)'s function inside a runtime, once; the peers define the same function. A
    /// declaration, so the script's own value is `undefined`, not the function.
    public static let objectsSetup =
        "function makeObjects() { return Array.from({length: 20000}, (_, i) => ({i, s: 'item' + i, f: i * 0.5})) }"

    /// (d) Building 20,000 small objects `{i, s, f}` in JavaScript and returning them to Swift,
    /// each one converted.
    @inline(never)
    public static func objects20k(_ runtime: Runtime) throws -> Int {
        try runtime.eval("makeObjects()").arrayValue?.count ?? 0
    }

    /// (f) The timeout that `timeoutOverrun` gives its busy loop.
    public static let busyTimeout: Duration = .milliseconds(50)

    /// A workload's result was not the expected one, so its figure would be meaningless.
    public struct UnexpectedResult: Error, CustomStringConvertible {
        public var description: String
    }

    /// (f) Runs `while(true){}` with a timeout of `timeout` and returns how long after the
    /// deadline the call had thrown ``RuntimeError/timedOut(_:)``: elapsed time minus
    /// `timeout`. Then checks that the runtime still answers `1+1`.
    @inline(never)
    public static func timeoutOverrun(_ runtime: Runtime, timeout: Duration = busyTimeout) throws -> Duration {
        let start = ContinuousClock.now
        do {
            let value = try runtime.eval("while(true){}", timeout: timeout)
            throw UnexpectedResult(description: "while(true){} returned \(value) instead of timing out")
        } catch RuntimeError.timedOut {
            let overrun = start.duration(to: .now) - timeout
            let answer = try runtime.eval("1+1")
            guard answer == .number(2) else {
                throw UnexpectedResult(description: "after a timeout, 1+1 gave \(answer)")
            }
            return overrun
        }
    }

    /// (g) Awaiting a promise that a zero-delay timer resolves: one turn of the event loop.
    @inline(never)
    public static func evalAsyncTimer0(_ runtime: Runtime) async throws -> JSValue {
        try await runtime.evalAsync("new Promise(r => setTimeout(() => r(1), 0))")
    }

    /// (h) The round trip of (a) with a timeout armed (and disarmed) around the call: what a
    /// timeout adds to a call that finishes well within it.
    @inline(never)
    public static func evalRoundTripWithTimeout(_ runtime: Runtime) throws -> JSValue {
        try runtime.eval("1+1", timeout: .seconds(1))
    }

    /// (i)-(k) Binds the host functions that the host-call loops call, once per runtime; the
    /// peers bind the same functions (`lambda x: x + 1`, `lambda s, n: {s: n}`, `async def h`).
    public static func bindHostFunctions(_ runtime: Runtime) throws {
        try runtime.bind("f") { (x: Double) in x + 1 }
        try runtime.bind("g") { (s: String, n: Int) in [s: n] }
        try runtime.bind("h") { (x: Int) async in x + 1 }
    }

    /// (i) `calls` calls of `f: (Double) -> Double`, each given the previous one's result. A
    /// block, so that its `let` is new on every evaluation.
    public static func hostCallDoubleScript(calls: Int) -> String {
        "{ let s = 0; for (let i = 0; i < \(calls); i++) s = f(s); s }"
    }

    /// (j) `calls` calls of `g: (String, Int) -> [String: Int]`, each result read (`.k`).
    public static func hostCallTypedScript(calls: Int) -> String {
        "{ let s = 0; for (let i = 0; i < \(calls); i++) s += g('k', i).k; s }"
    }

    /// (k) `calls` awaited calls of the async `h: (Int) async -> Int`, in one async function.
    public static func hostCallAsyncScript(calls: Int) -> String {
        "(async () => { let s = 0; for (let i = 0; i < \(calls); i++) s = await h(s); return s })()"
    }

    /// (i) JavaScript calling `f` `calls` times in a loop, in one `eval`; checks the result.
    @inline(never)
    public static func hostCallsDouble(_ runtime: Runtime, calls: Int) throws {
        try expect(runtime.eval(hostCallDoubleScript(calls: calls)), Double(calls), "f")
    }

    /// (j) JavaScript calling `g('k', i)` `calls` times in a loop, in one `eval`.
    @inline(never)
    public static func hostCallsTyped(_ runtime: Runtime, calls: Int) throws {
        try expect(runtime.eval(hostCallTypedScript(calls: calls)), Double(calls * (calls - 1) / 2), "g")
    }

    /// (k) JavaScript awaiting `h` `calls` times in a loop, in one `evalAsync`.
    @inline(never)
    public static func hostCallsAsync(_ runtime: Runtime, calls: Int) async throws {
        try expect(await runtime.evalAsync(hostCallAsyncScript(calls: calls)), Double(calls), "h")
    }

    private static func expect(_ value: JSValue, _ expected: Double, _ function: String) throws {
        guard value == .number(expected) else {
            throw UnexpectedResult(description: "the loop calling \(function) gave \(value), not \(expected)")
        }
    }

    // MARK: - Values (issue "Convert"): the same 20,000 rows, already built, both ways

    /// Builds the data of (n)-(q) once per runtime: `rows`, 20,000 objects `{i, s, f}` as in (d);
    /// `bytes`, a 16 MiB `Uint8Array`; and `count`, a function that reads what it is given.
    public static let valuesSetup = """
        globalThis.rows = Array.from({length: 20000}, (_, i) => ({i, s: 'item' + i, f: i * 0.5}));
        globalThis.bytes = new Uint8Array(16 << 20).fill(7);
        globalThis.count = (value) => value.length;
        """

    /// One row of (o), decoded from `{i, s, f}`.
    public struct Row: Codable, Sendable {
        public var i: Int
        public var s: String
        public var f: Double
    }

    /// The rows as Swift builds them for (p): what (n) returns.
    public static func rowsValue() -> JSValue {
        .array(
            (0..<20_000).map { i in ["i": .number(Double(i)), "s": .string("item\(i)"), "f": .number(Double(i) * 0.5)] }
        )
    }

    /// (n) The 20,000 rows from JavaScript to a Swift `JSValue`.
    @inline(never)
    public static func rowsToJSValue(_ runtime: Runtime) throws -> Int {
        try runtime.eval("rows").arrayValue?.count ?? 0
    }

    /// (n') V8's own share of (n): the same rows serialized by V8's `ValueSerializer`, not read.
    @inline(never)
    public static func rowsSerializedByV8(_ runtime: Runtime) throws -> Int {
        try runtime.serializedSize(of: "rows")
    }

    /// (o) The 20,000 rows into a `Decodable` struct array.
    @inline(never)
    public static func rowsToDecodable(_ runtime: Runtime) throws -> Int {
        try runtime.eval("rows", as: [Row].self).count
    }

    /// (p) The 20,000 rows from Swift into JavaScript: a call of `count(rows)`.
    @inline(never)
    public static func rowsToJavaScript(_ count: JSFunction, _ rows: JSValue) throws -> JSValue {
        try count.call(rows)
    }

    /// (q) 16 MiB of bytes out of JavaScript, a `Uint8Array` into a `JSBytes`.
    @inline(never)
    public static func bytesOut(_ runtime: Runtime) throws -> Int {
        try runtime.eval("bytes").bytesValue?.count ?? 0
    }

    /// (q) 16 MiB of bytes into JavaScript: `count(bytes)` with a `Uint8Array` made in Swift.
    @inline(never)
    public static func bytesIn(_ count: JSFunction, _ bytes: JSValue) throws -> JSValue {
        try count.call(bytes)
    }

    /// (l), (m) The number of modules in the graph that `moduleGraph` makes.
    public static let moduleGraphSize = 200

    /// (l), (m) A graph of `count` small modules, `m0` to `m{count-1}`, the same that
    /// `peers/peers.py` gives the reference: module `i` imports `m{2i+1}` and `m{2i+2}` (a
    /// binary tree) and the last module (a dependency they all share), and exports `total`, the
    /// number of modules in its subtree. So `m0`'s total is `count`. A `salt` ends every source
    /// with a comment, so that the process has compiled none of them before (a first load: no
    /// cached code).
    public static func moduleGraph(count: Int = moduleGraphSize, salt: String? = nil) -> [String: String] {
        let shared = "m\(count - 1)"
        var graph: [String: String] = [:]
        for index in 0..<count {
            let children = [2 * index + 1, 2 * index + 2].filter { $0 < count }
            if index == count - 1 {
                graph["m\(index)"] = "export const unit = 1; export const total = 1;"
                continue
            }
            let imports = children.map { "import { total as t\($0) } from 'm\($0)';" }
            let sum = (["unit"] + children.map { "t\($0)" }).joined(separator: " + ")
            graph["m\(index)"] =
                (imports + ["import { unit } from '\(shared)';", "export const total = \(sum);"]).joined(
                    separator: "\n")
        }
        return salt.map { salt in graph.mapValues { $0 + "\n// \(salt)" } } ?? graph
    }

    /// (l) Registers the graph as static modules.
    public static func addStaticModuleGraph(_ runtime: Runtime, salt: String? = nil) {
        for (name, source) in moduleGraph(salt: salt) { runtime.addStaticModule(name, source: source) }
    }

    /// (m) Serves the graph through a resolver (`m1` becomes `bench:m1`) and an async loader,
    /// as an application loading modules from elsewhere would.
    public static func setModuleGraphLoader(_ runtime: Runtime, salt: String? = nil) {
        let graph = moduleGraph(salt: salt)
        runtime.moduleResolver = { specifier, _ in "bench:\(specifier)" }
        runtime.moduleLoader = { specifier in
            guard let source = graph[String(specifier.dropFirst("bench:".count))] else {
                throw UnexpectedResult(description: "the graph has no module \(specifier)")
            }
            return source
        }
    }

    /// (l) Loads, links and evaluates the graph from `m0` (synchronous `evalModule`); checks
    /// the total.
    @inline(never)
    public static func evalModuleGraph(_ runtime: Runtime) throws {
        try expectGraphTotal(runtime.evalModule("m0"))
    }

    /// (m) The same with `evalModuleAsync`, which awaits the loader's loads.
    @inline(never)
    public static func evalModuleGraphAsync(_ runtime: Runtime) async throws {
        try expectGraphTotal(await runtime.evalModuleAsync("m0"))
    }

    private static func expectGraphTotal(_ exports: JSValue) throws {
        guard exports["total"] == .number(Double(moduleGraphSize)) else {
            throw UnexpectedResult(description: "the module graph gave \(exports), not total \(moduleGraphSize)")
        }
    }

    /// (e) Resident memory of idle runtimes.
    public struct IdleMemory: Sendable {
        public var perRuntimeMB: Double
        public var returnedAfterCloseMB: Double
        public var idleCPUPercent: Double
    }

    /// (e) Creates `count` runtimes (each evaluates once), measures the growth of resident
    /// memory and the CPU they use while idle for `idle`, then closes them and measures what
    /// was returned. V8 is initialised before the baseline, as the peers' import does.
    /// The pauses match `peers/peers.py`: 0.5 s for memory to settle before each reading.
    public static func idleMemory(count: Int = 16, idle: Duration = .seconds(2)) throws -> IdleMemory {
        try createEvalClose()
        let baseline = residentBytes()
        let runtimes = try (0..<count).map { _ in
            let runtime = try Runtime()
            _ = try runtime.eval("1+1")
            return runtime
        }
        Thread.sleep(forTimeInterval: 0.5)
        let active = residentBytes()
        let idleSeconds = Double(idle.components.seconds) + Double(idle.components.attoseconds) / 1e18
        let cpuBefore = processCPUSeconds()
        Thread.sleep(forTimeInterval: idleSeconds)
        let cpuUsed = processCPUSeconds() - cpuBefore
        for runtime in runtimes { runtime.close() }
        Thread.sleep(forTimeInterval: 0.5)
        let closed = residentBytes()
        let megabyte = 1024.0 * 1024.0
        return IdleMemory(
            perRuntimeMB: Double(active - baseline) / Double(count) / megabyte,
            returnedAfterCloseMB: Double(active - closed) / megabyte,
            idleCPUPercent: cpuUsed / idleSeconds * 100
        )
    }

    /// The process's resident set, from /proc/self/statm.
    public static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// User plus system CPU time of the whole process.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
