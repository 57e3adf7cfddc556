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
}
