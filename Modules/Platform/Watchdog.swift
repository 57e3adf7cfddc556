/// One thread for the whole process that runs actions at their deadlines: the timeouts of
/// runtime calls.
///
/// Arming and cancelling take a lock and touch a short list, about a hundred nanoseconds: a call
/// with a timeout that ends in time costs next to nothing (a timer object per call cost about
/// 8 us). The thread sleeps until the earliest deadline it knows and is woken only when a new
/// deadline comes before that; a deadline that was cancelled wakes it once, for nothing.
package final class Watchdog: @unchecked Sendable {
    /// The process's watchdog; its thread starts with the first deadline.
    package static let shared = Watchdog()

    /// Identifies an armed deadline, to cancel it.
    package struct Ticket: Sendable, Hashable {
        let id: UInt64
    }

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var ticket: Ticket
        var action: @Sendable () -> Void
    }

    private let lock = ConditionLock()
    /// Armed deadlines, earliest first.
    private var entries: [Entry] = []
    private var nextID: UInt64 = 1
    /// What the thread sleeps until: `nil` while it sleeps with nothing to wait for.
    private var sleepingUntil: ContinuousClock.Instant?
    private var isStarted = false

    private init() {}

    /// Runs `action` on the watchdog's thread once `delay` has passed, unless cancelled first.
    /// The action must be quick: it delays the deadlines after it.
    package func arm(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Ticket {
        let deadline = ContinuousClock.now.advanced(by: delay)
        return lock.withLock {
            let ticket = Ticket(id: nextID)
            nextID += 1
            let index = entries.firstIndex { $0.deadline > deadline } ?? entries.endIndex
            entries.insert(Entry(deadline: deadline, ticket: ticket, action: action), at: index)
            if !isStarted {
                isStarted = true
                startThread()
            } else if sleepingUntil.map({ deadline < $0 }) ?? true {
                lock.signal()
            }
            return ticket
        }
    }

    /// Cancels a deadline; nothing happens if it already passed.
    package func cancel(_ ticket: Ticket) {
        lock.withLock {
            // The entry is most often the latest armed: search from the end.
            if let index = entries.lastIndex(where: { $0.ticket == ticket }) { entries.remove(at: index) }
        }
    }

    private func startThread() {
        do {
            try RuntimeThread.spawn(name: "jsrun:watchdog") { self.run() }
        } catch {
            // Without a thread no deadline can fire; leave the next arm to try again.
            isStarted = false
        }
    }

    private func run() {
        while true {
            let due = lock.withLock { () -> [Entry] in
                while true {
                    let now = ContinuousClock.now
                    if let first = entries.first, first.deadline <= now {
                        let count = entries.prefix { $0.deadline <= now }.count
                        defer { entries.removeFirst(count) }
                        return Array(entries.prefix(count))
                    }
                    sleepingUntil = entries.first?.deadline
                    lock.wait(until: sleepingUntil)
                }
            }
            for entry in due { entry.action() }
        }
    }
}
