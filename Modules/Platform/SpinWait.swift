#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Spins until `condition` holds or `limit` has passed; returns whether it held.
///
/// On these machines, waking a parked thread costs tens of microseconds, while most hand-offs
/// complete within a few: a short, bounded spin before parking keeps the fast path fast and an
/// idle thread idle (docs/Architecture.md, "Threads", has the figures).
///
/// After the first few microseconds, the spin yields the CPU between rounds of checks: the
/// thread it waits for may share the spinner's core (a new thread often does), and must not
/// wait for the scheduler to move one of them. Before that, it only checks, since a yield is a
/// system call that would slow down the quickest hand-offs.
@inlinable
package func spin(for limit: Duration, until condition: () -> Bool) -> Bool {
    if condition() { return true }
    if limit <= .zero { return false }
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start.advanced(by: limit)
    let startYielding = start.advanced(by: min(limit, pureSpin))
    while true {
        for _ in 0..<32 where condition() { return true }
        let now = clock.now
        if now >= deadline { return condition() }
        if now >= startYielding { sched_yield() }
    }
}

/// How long ``spin(for:until:)`` checks before it starts yielding.
@usableFromInline let pureSpin: Duration = .microseconds(10)
