#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A dedicated OS thread: the one thread that ever enters a runtime's isolate.
package enum RuntimeThread {
    /// The stack of a runtime thread. V8 limits its own use to about 1 MB (its
    /// `--stack-size`); the rest is headroom for Swift frames around it.
    package static let stackSize = 4 << 20

    /// The part of ``stackSize`` that V8's `--stack-size` may never take: room for the Swift
    /// frames of host functions that JavaScript calls at its deepest, and for the shim's work
    /// there (see `V8Platform.maximumStackSize`).
    package static let hostStackReserve = 1 << 20

    /// Starts a detached thread named `name` that runs `body` and exits. Detached, so a thread
    /// whose runtime is dropped without `close()` still frees itself when it ends.
    package static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, stackSize)
        let start = Unmanaged.passRetained(ThreadStart(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, runThreadStart, start)
        if status != 0 {
            Unmanaged<ThreadStart>.fromOpaque(start).release()
            throw SpawnError(code: status)
        }
    }

    /// Names the calling thread, as `top` and `/proc` show it. Linux keeps 15 bytes of it.
    /// (Glibc's `pthread_setname_np` is not visible to Swift, so this writes what it writes.)
    fileprivate static func setCurrentThreadName(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// The calling thread's identity, to recognise a runtime's own thread.
    package static var current: pthread_t { pthread_self() }

    /// Whether `thread` is the calling thread.
    package static func isCurrent(_ thread: pthread_t) -> Bool { pthread_equal(thread, pthread_self()) != 0 }

    /// `pthread_create` failed, usually because the process has too many threads.
    package struct SpawnError: Error, Sendable, CustomStringConvertible {
        package let code: Int32
        package var description: String { "pthread_create failed with error \(code)" }
    }
}

/// What a new thread runs, passed through `pthread_create`'s one pointer.
private final class ThreadStart {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}

private func runThreadStart(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let start = Unmanaged<ThreadStart>.fromOpaque(argument!).takeRetainedValue()
    RuntimeThread.setCurrentThreadName(start.name)
    start.body()
    return nil
}
