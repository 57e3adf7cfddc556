import CJSRunV8
import JSRunConvert
import Testing

@testable import JSRunIsolate

/// Where a host function's answer waits for the shim (HostReplies.swift).
@Suite struct ReplyStorageTests {
    private func text(_ scalar: cv8_scalar) -> String {
        String(decoding: UnsafeRawBufferPointer(start: scalar.string, count: scalar.length), as: UTF8.self)
    }

    @Test func theStringsOfAnAnswerStayWholeSideBySide() throws {
        let storage = ReplyStorage()
        var count = 0
        let form = storage.members(of: ["a": "x", "bé": "yz ✓", "n": 1], count: &count, maxBytes: 1_000)
        #expect(form == CV8_REPLY_OBJECT)
        #expect(count == 3)
        let members = (0..<6).map { storage.members[$0] }
        #expect([text(members[0]), text(members[1]), text(members[2]), text(members[3])] == ["a", "x", "bé", "yz ✓"])
        #expect(members[5].kind == UInt8(CV8_SCALAR_NUMBER.rawValue) && members[5].number == 1)
        // Past the byte limit, or not all primitives: no members (V8's format says why).
        #expect(storage.members(of: ["a": "x"], count: &count, maxBytes: 5) == nil)
        #expect(storage.members(of: ["a": ["nested": 1]], count: &count, maxBytes: 1_000) == nil)
    }

    @Test func memoryGrownForALargeAnswerIsGivenBackAtTheNextSmallOne() {
        let storage = ReplyStorage()
        let large = String(repeating: "x", count: 3 << 20)
        storage.start(textBytes: large.utf8.count)
        #expect(text(storage.scalar(.string(large))) == large)
        #expect(storage.textCapacity >= large.utf8.count)
        storage.start(textBytes: 5)
        #expect(storage.textCapacity == ReplyStorage.keptCapacity)
        #expect(text(storage.scalar(.string("small"))) == "small")

        storage.bytes = Array(repeating: 0, count: 2 << 20)
        storage.startBytes()
        #expect(storage.bytes.capacity <= ReplyStorage.keptCapacity)
        storage.bytes = Array(repeating: 0, count: 1_000)
        storage.startBytes()
        #expect(storage.bytes.count == 1_000, "a small buffer is kept for reuse")
    }
}
