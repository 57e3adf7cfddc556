import Testing

@testable import JSRunPlatform

@Suite struct V8PlatformTests {
    @Test func versionIsLibnodesV8() {
        #expect(V8Platform.version.hasPrefix("10.2."))
    }

    @Test func initialisationIsIdempotentAndThreadSafe() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { V8Platform.ensureInitialized() } }
        }
        #expect(V8Platform.isInitialized)
    }

    @Test func flagsAfterInitialisationAreAClearError() throws {
        V8Platform.ensureInitialized()
        let error = #expect(throws: V8PlatformError.self) { try V8Platform.setFlags("--expose-gc") }
        #expect(error == .alreadyInitialized(flags: "--expose-gc"))
        #expect(error?.description.contains("before creating any runtime") == true)
        // Flags that take effect are checked in a fresh process by JSRunCLITests (--v8-flags).
    }

    /// Issue "Hostile code", part 6: a `--stack-size` the runtime threads cannot hold is refused
    /// in every spelling V8 reads, before V8 sees it (a deep recursion would crash the process).
    @Test func aStackSizeLargerThanTheRuntimeThreadsHoldIsRefused() throws {
        #expect(V8Platform.maximumStackSize == 3072)
        let refused = [
            "--stack-size=8000", "--stack-size 8000", "--stack_size=8000", "-stack-size=8000", "--nostack-size=8000",
            "--expose-gc\t--stack-size=3073", "--stack-size=3000 --stack-size=99999999999999999999999",
            "--stack-size=0", "--stack-size=-5", "--stack-size=abc", "--stack-size", "--stack-size --expose-gc",
        ]
        for flags in refused {
            let error = #expect(throws: V8PlatformError.self, "\(flags)") { try V8Platform.checkFlags(flags) }
            guard case .invalidFlags(let given, let reason) = error else {
                Issue.record("\(flags): \(String(describing: error))")
                continue
            }
            #expect(given == flags)
            #expect(reason.contains("--stack-size"))
        }
        #expect(try V8Platform.checkFlags("--stack-size=3072") == 3072)
        #expect(try V8Platform.checkFlags("--stack-size 100 --stack_size=+200") == 200)
        #expect(try V8Platform.checkFlags("--expose-gc --max-lazy") == nil)
        // After a bare `--`, V8 reads no flags.
        #expect(try V8Platform.checkFlags("-- --stack-size=9999") == nil)
        let message = V8PlatformError.invalidFlags(flags: "--stack-size=8000", reason: "why").description
        #expect(message == "cannot set V8 flags '--stack-size=8000': why")
    }
}
