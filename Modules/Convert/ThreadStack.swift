#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stack of the calling thread, as the conversions need it: how much of it is left.
///
/// Reading, writing, encoding and decoding recurse once per level of nesting, so a deep value
/// needs a deep stack; each asks this how much room its thread has before it goes deeper (see
/// ``ConversionLimits/stackReserve``). Stacks grow down on every platform JSRun runs on.
package enum ThreadStack {
    /// The calling thread's stack: its lowest usable address and the address above its top,
    /// looked up once per thread; `nil` when the platform does not say.
    package static var bounds: (low: UInt, high: UInt)? {
        if let cached = pthread_getspecific(boundsKey) {
            let bounds = cached.assumingMemoryBound(to: (low: UInt, high: UInt).self).pointee
            return bounds.high == 0 ? nil : bounds
        }
        let found = lookUpBounds()
        // malloc rather than Swift's allocation: the key's destructor, a C function, frees it.
        if let stored = malloc(MemoryLayout<(low: UInt, high: UInt)>.size) {
            stored.initializeMemory(as: (low: UInt, high: UInt).self, to: found ?? (0, 0))
            pthread_setspecific(boundsKey, stored)
        }
        return found
    }

    /// About where the calling thread's stack is now: the address of a local of the caller.
    ///
    /// Under AddressSanitizer, a local's address may be in a "fake stack" on the heap (its
    /// check for uses after return); the address on the real stack is then asked of it.
    @inline(__always)
    package static func position(within bounds: (low: UInt, high: UInt)) -> UInt {
        var marker: UInt8 = 0
        let address = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if address >= bounds.low && address < bounds.high { return address }
        return realPosition(of: address, within: bounds)
    }

    /// The bytes of stack left to the calling thread below where it is now, or `Int.max` when
    /// the platform does not say.
    package static func room() -> Int {
        guard let bounds else { return .max }
        let here = position(within: bounds)
        return here > bounds.low ? Int(here - bounds.low) : 0
    }

    // MARK: - Looking up the bounds

    /// Where each thread keeps its bounds: a small allocation freed when the thread ends.
    private static let boundsKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    private static func lookUpBounds() -> (low: UInt, high: UInt)? {
        #if canImport(Darwin)
            let thread = pthread_self()
            let high = UInt(bitPattern: pthread_get_stackaddr_np(thread))
            let size = UInt(pthread_get_stacksize_np(thread))
            return high > size ? (high - size, high) : nil
        #else
            return boundsFromAttributes() ?? boundsFromMemoryMap()
        #endif
    }

    #if !canImport(Darwin)
        /// `pthread_getattr_np` and `pthread_attr_getstack`: what glibc and musl say of any
        /// thread's stack, the main thread's included (its size then follows `ulimit -s`). The
        /// C library has the function, but Swift's view of its headers does not declare it.
        private static func boundsFromAttributes() -> (low: UInt, high: UInt)? {
            guard let getAttributes = attributesFunction.function else { return nil }
            var attributes = pthread_attr_t()
            guard getAttributes(pthread_self(), &attributes) == 0 else { return nil }
            defer { pthread_attr_destroy(&attributes) }
            var address: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address, size > 0 else {
                return nil
            }
            let low = UInt(bitPattern: address)
            return (low, low + UInt(size))
        }

        private typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32

        /// `pthread_getattr_np`, found once; `nil` in a binary linked statically (no `dlsym`).
        private static let attributesFunction = CFunction<GetAttributes>("pthread_getattr_np")

        /// The mapping that holds the stack, from `/proc/self/maps`, where `pthread_getattr_np`
        /// cannot be found: for the main thread (`[stack]`) as deep as `ulimit -s` lets it grow.
        private static func boundsFromMemoryMap() -> (low: UInt, high: UInt)? {
            var marker: UInt8 = 0
            let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
            guard let file = fopen("/proc/self/maps", "r") else { return nil }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 512)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let range = text.prefix { $0 != " " }.split(separator: "-")
                guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                    here >= start && here < end
                else { continue }
                guard text.contains("[stack]") else { return (start, end) }
                #if canImport(Glibc)
                    let resource = Int32(RLIMIT_STACK.rawValue)
                #else
                    let resource = RLIMIT_STACK
                #endif
                var limit = rlimit()
                guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max,
                    UInt(limit.rlim_cur) < end
                else { return (start, end) }
                return (min(start, end - UInt(limit.rlim_cur)), end)
            }
            return nil
        }
    #endif

    // MARK: - AddressSanitizer

    /// Whether the process runs under AddressSanitizer, whose red zones make stack frames
    /// larger: what each recursion assumes of a level's stack depends on it.
    package static let isAddressSanitized = fakeStack.current.function != nil

    /// The real stack's address for a local at `address` in AddressSanitizer's fake stack
    /// (`__asan_addr_is_in_fake_stack`); outside AddressSanitizer, or for an address it does
    /// not know, the top of the stack: as if the stack were unused, so no check refuses
    /// anything it would not refuse without them.
    @inline(never)
    private static func realPosition(of address: UInt, within bounds: (low: UInt, high: UInt)) -> UInt {
        guard let current = fakeStack.current.function, let lookUp = fakeStack.lookUp.function,
            let fake = current(),
            let real = lookUp(fake, UnsafeMutableRawPointer(bitPattern: address), nil, nil)
        else { return bounds.high }
        let position = UInt(bitPattern: real)
        return position >= bounds.low && position < bounds.high ? position : bounds.high
    }

    private typealias CurrentFakeStack = @convention(c) () -> UnsafeMutableRawPointer?
    private typealias AddressIsInFakeStack =
        @convention(c) (
            UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
            UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        ) -> UnsafeMutableRawPointer?

    private static let fakeStack = (
        current: CFunction<CurrentFakeStack>("__asan_get_current_fake_stack"),
        lookUp: CFunction<AddressIsInFakeStack>("__asan_addr_is_in_fake_stack")
    )
}

/// A C function of the process looked up by name, `nil` when there is none. Function pointers
/// are immutable, so sharing one across threads is safe.
private struct CFunction<Function>: @unchecked Sendable {
    let function: Function?

    init(_ name: String) {
        #if canImport(Darwin)
            let handle = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #else
            let handle: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #endif
        function = dlsym(handle, name).map { unsafeBitCast($0, to: Function.self) }
    }
}
