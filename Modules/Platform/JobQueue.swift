import Synchronization

/// The queue of work for one runtime thread: many producers, one consumer.
///
/// Producers never block. The consumer spins briefly for new work after each batch, then
/// parks, so a busy runtime hands work over in well under a microsecond and an idle one uses
/// no CPU at all. Inlinable, like ``Completion``, so that callers specialize it.
package final class JobQueue<Job>: @unchecked Sendable {
    @usableFromInline let lock = ConditionLock()
    @usableFromInline var jobs: [Job] = []
    @usableFromInline var isConsumerParked = false
    @usableFromInline var isClosed = false
    /// Read without the lock while spinning; written with it.
    @usableFromInline let count = Atomic<Int>(0)

    @inlinable package init() {}

    /// Adds a job. Returns `false`, and drops the job, once the queue is closed.
    @discardableResult
    @inlinable package func push(_ job: Job) -> Bool {
        lock.withLock {
            guard !isClosed else { return false }
            jobs.append(job)
            count.add(1, ordering: .releasing)
            if isConsumerParked { lock.signal() }
            return true
        }
    }

    /// Whether jobs wait that the consumer has not taken yet.
    @inlinable package var hasWaitingJobs: Bool { count.load(ordering: .acquiring) > 0 }

    /// Closes the queue: later pushes fail, and the consumer wakes to see it.
    @inlinable package func close() {
        lock.withLock {
            isClosed = true
            lock.signal()
        }
    }

    /// What ``take(spinningFor:until:)`` hands the consumer.
    package struct Batch {
        /// The jobs, in the order they were pushed.
        package var jobs: [Job]

        @inlinable init(jobs: [Job], isClosed: Bool) {
            self.jobs = jobs
            self.isClosed = isClosed
        }
        /// Whether the queue is closed: no job will follow these.
        package var isClosed: Bool
    }

    /// Waits for jobs and takes all of them: spins for `spin`, then parks until a job arrives,
    /// the queue closes, or `deadline` passes (then the batch may be empty).
    @inlinable package func take(spinningFor spin: Duration, until deadline: ContinuousClock.Instant? = nil)
        -> Batch
    {
        _ = JSRunPlatform.spin(for: spin) { count.load(ordering: .acquiring) > 0 }
        return lock.withLock {
            while jobs.isEmpty && !isClosed {
                if let deadline, ContinuousClock.now >= deadline { break }
                isConsumerParked = true
                lock.wait(until: deadline)
                isConsumerParked = false
            }
            let batch = Batch(jobs: jobs, isClosed: isClosed)
            jobs.removeAll(keepingCapacity: true)
            count.store(0, ordering: .releasing)
            return batch
        }
    }
}

extension JobQueue.Batch: Sendable where Job: Sendable {}
