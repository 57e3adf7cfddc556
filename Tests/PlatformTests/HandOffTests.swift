import Dispatch
import Foundation
import Synchronization
import Testing

@testable import JSRunPlatform

@Suite struct JobQueueTests {
    @Test func jobsArriveInOrderInOneBatch() {
        let queue = JobQueue<Int>()
        for i in 0..<5 { queue.push(i) }
        let batch = queue.take(spinningFor: .zero)
        #expect(batch.jobs == [0, 1, 2, 3, 4])
        #expect(!batch.isClosed)
    }

    @Test func aParkedConsumerReturnsEmptyAtItsDeadline() {
        let queue = JobQueue<Int>()
        let batch = queue.take(spinningFor: .zero, until: .now + .milliseconds(20))
        #expect(batch.jobs.isEmpty)
        #expect(!batch.isClosed)
    }

    @Test func closingWakesAParkedConsumerAndRefusesNewJobs() async throws {
        let queue = JobQueue<Int>()
        // A thread of its own: a parked consumer must not hold one of the cooperative pool's.
        let taken = Completion<JobQueue<Int>.Batch>()
        try RuntimeThread.spawn(name: "jsrun:consumer") { taken.succeed(queue.take(spinningFor: .zero)) }
        try await Task.sleep(for: .milliseconds(20))
        queue.close()
        let batch = try await taken.value(spinningFor: .zero)
        #expect(batch.isClosed)
        #expect(queue.push(1) == false)
    }

    @Test func manyProducersLoseNothing() {
        let queue = JobQueue<Int>()
        let producers = 4
        let perProducer = 2_500
        DispatchQueue.concurrentPerform(iterations: producers + 1) { worker in
            if worker < producers {
                for i in 0..<perProducer { queue.push(worker * perProducer + i) }
                return
            }
            var seen = Set<Int>()
            while seen.count < producers * perProducer {
                seen.formUnion(queue.take(spinningFor: .microseconds(20), until: .now + .milliseconds(50)).jobs)
            }
            #expect(seen == Set(0..<producers * perProducer))
        }
    }
}

@Suite struct CompletionTests {
    @Test func aBlockedWaiterGetsTheValue() throws {
        let completion = Completion<Int>()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(10)) { completion.succeed(7) }
        #expect(try completion.wait(spinningFor: .zero) == 7)
    }

    @Test func anAwaitingTaskGetsTheError() async {
        struct Boom: Error {}
        let completion = Completion<Int>()
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(10)) { completion.fail(Boom()) }
        await #expect(throws: Boom.self) { try await completion.value(spinningFor: .zero) }
    }

    @Test func onlyTheFirstResultCounts() throws {
        let completion = Completion<Int>()
        completion.succeed(1)
        completion.succeed(2)
        #expect(completion.isCompleted)
        #expect(try completion.wait(spinningFor: .zero) == 1)
    }
}

@Suite struct RuntimeThreadTests {
    @Test func aSpawnedThreadRunsItsBodyUnderItsName() throws {
        let done = Completion<String>()
        try RuntimeThread.spawn(name: "jsrun:test-thread") {
            let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            done.succeed(name?.trimmingCharacters(in: .newlines) ?? "")
        }
        // Linux keeps 15 bytes of a thread's name.
        #expect(try done.wait(spinningFor: .zero) == "jsrun:test-thre")
    }
}
