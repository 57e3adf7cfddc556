import Foundation
import JSRunPlatform
import Testing

@Suite struct VersionTests {
    @Test func versionsCompareNumberByNumber() {
        let v = JSRunVersion(major: 1, minor: 2, patch: 3)
        #expect(v.description == "1.2.3")
        #expect(JSRunVersion(major: 1, minor: 10, patch: 0) > JSRunVersion(major: 1, minor: 9, patch: 9))
        #expect(JSRunVersion(major: 2, minor: 0, patch: 0) > JSRunVersion(major: 1, minor: 99, patch: 99))
        #expect(JSRunVersion(major: 1, minor: 2, patch: 4) > v)
        #expect(v == JSRunVersion(major: 1, minor: 2, patch: 3))
    }

    /// The version the code reports is the changelog's newest entry (`## 0.1.0 ...`).
    @Test func theCurrentVersionIsTheChangelogsNewest() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let changelog = try String(contentsOf: root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        let newest = changelog.split(separator: "\n").first { $0.hasPrefix("## ") }
        let version = newest?.dropFirst(3).split(separator: " ").first.map(String.init)
        #expect(version == JSRunVersion.current.description)
    }
}
