import JSRun
import JSRunGuides
import Testing

/// What docs/guides/Performance.md says its snippets give. Nothing here is timed: the figures
/// are docs/Benchmarks.md's.
@Suite struct PerformanceTests {
    @Test func reuse() throws {
        #expect(try Performance.reuse([1, 2, 3]) == [2, 5, 10])
    }

    @Test func batch() throws {
        let (oneCall, manyCalls) = try Performance.batch()
        #expect(oneCall == manyCalls)
    }

    @Test func fastHostCalls() throws {
        #expect(try Performance.fastHostCalls() == 20845)
    }

    @Test func smallResults() throws {
        let (count, total, first) = try Performance.smallResults()
        #expect(count == 20000)
        #expect(total == 99_995_000)
        #expect(first == 0.5)
    }

    @Test func bytes() throws {
        let (count, sum) = try Performance.bytes()
        #expect(count == 1 << 20)
        #expect(sum == 1000)
    }
}
