import Synchronization
import Testing

@testable import JSRunPlatform

@Suite struct WatchdogTests {
    @Test func deadlinesFireInTheirOrderAndCancelledOnesNever() async throws {
        let fired = Mutex<[String]>([])
        let done = Completion<Void>()
        _ = Watchdog.shared.arm(after: .milliseconds(60)) {
            fired.withLock { $0.append("late") }
            done.succeed(())
        }
        let cancelled = Watchdog.shared.arm(after: .milliseconds(10)) { fired.withLock { $0.append("cancelled") } }
        // Armed after a later one, due before it: the sleeping thread must wake for it.
        _ = Watchdog.shared.arm(after: .milliseconds(20)) { fired.withLock { $0.append("early") } }
        Watchdog.shared.cancel(cancelled)
        try await done.value(spinningFor: .zero)
        #expect(fired.withLock { $0 } == ["early", "late"])
    }

    @Test func cancellingAPassedDeadlineDoesNothing() async throws {
        let done = Completion<Void>()
        let ticket = Watchdog.shared.arm(after: .zero) { done.succeed(()) }
        try await done.value(spinningFor: .zero)
        Watchdog.shared.cancel(ticket)
    }
}
