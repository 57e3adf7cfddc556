import JSRun
import JSRunGuides
import Testing

/// What docs/guides/GettingStarted.md says its snippets give.
@Suite struct GettingStartedTests {
    @Test func firstRuntime() throws {
        #expect(try GettingStarted.firstRuntime() == .string("Hello, Swift!"))
    }

    @Test func readingValues() throws {
        let (sum, first, missing) = try GettingStarted.readingValues()
        #expect(sum == 3.0)
        #expect(first == "Ada")
        #expect(missing)
    }

    @Test func typedResults() throws {
        let results = try GettingStarted.typedResults()
        #expect(results.count == 3)
        #expect(results.name == "ADA")
        #expect(results.point == [3, 4])
        #expect(results.tags == ["a", "b"])
        #expect(results.age == nil)
    }

    @Test func decodingError() throws {
        #expect(try GettingStarted.decodingError().contains("$.id: expected a number for Int, found string"))
    }

    @Test func awaitingPromises() async throws {
        let (later, sum) = try await GettingStarted.awaitingPromises()
        #expect(later == "later")
        #expect(sum == 6)
    }

    @Test func catchingExceptions() throws {
        let (name, message) = try GettingStarted.catchingExceptions()
        #expect(name == "TypeError")
        #expect(message == "Cannot read properties of null (reading 'answer')")
    }

    @Test func closing() throws {
        let (closedError, isClosed) = try GettingStarted.closing()
        #expect(closedError)
        #expect(isClosed)
    }

    @Test func scoped() throws {
        #expect(try GettingStarted.scoped() == 6)
    }
}
