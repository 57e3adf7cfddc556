import JSRunConvert
import Logging
import Synchronization
import Testing

@testable import JSRunIsolate

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Arguments of one console call and the line Node prints for them.
struct FormatCase: Sendable, CustomTestStringConvertible {
    var expected: String
    var arguments: [JSValue]
    init(_ expected: String, _ arguments: [JSValue]) {
        self.expected = expected
        self.arguments = arguments
    }
    var testDescription: String { "\(arguments) -> \(expected)" }
}

@Suite struct ConsoleTests {
    // Every expected string below was printed by Node 20 (v20.20.2), `util.format(...)` (what
    // `console.log` writes, without the newline) on the same arguments written in JavaScript.
    static let nodeCases: [FormatCase] = [
        FormatCase("", []),
        FormatCase("", [""]),
        FormatCase("hello", ["hello"]),
        FormatCase("%%", ["%%"]),
        FormatCase("100% 1", ["100%%", 1]),
        FormatCase("%s", ["%s"]),
        FormatCase(
            "1 a -0 [ -0 ] undefined null true NaN Infinity -Infinity",
            [
                1, "a", .number(-0.0), [.number(-0.0)], .undefined, nil, true, .number(.nan), .number(.infinity),
                .number(-.infinity),
            ]),
        FormatCase("{ a: 1, b: [ 'x' ] }", [["a": 1, "b": ["x"]]]),
        FormatCase("[ 1, 2 ]", [[1, 2]]),
        FormatCase("{}", [[:]]),
        FormatCase("[]", [[]]),
        FormatCase("{ '10': 7, _b: 3, '1a': 5, 'a-b': 6, '': 8 }", [["10": 7, "_b": 3, "1a": 5, "a-b": 6, "": 8]]),
        FormatCase(
            "{ s: \"it's\", t: `a\"b'c`, u: 'a\"b\\'c`d', v: 'tab\\tnl\\n\\x01' }",
            [["s": "it's", "t": "a\"b'c", "u": "a\"b'c`d", "v": "tab\tnl\n\u{1}"]]),
        FormatCase("x a\nb [ 'a\\nb' ]", ["x", "a\nb", ["a\nb"]]),
        FormatCase("{ a: { b: { c: [Object] } } } [ [ [ [Array] ] ] ]", [["a": ["b": ["c": ["d": 1]]]], [[[[1]]]]]),
        FormatCase("{ a: { b: { c: {}, d: [] } } }", [["a": ["b": ["c": [:], "d": []]]]]),
        FormatCase("a %s", ["%s %s", "a"]),
        FormatCase("a b 3 [ 'c' ]", ["%s", "a", "b", 3, ["c"]]),
        FormatCase("{ a: [Object], c: [Array] } [ 1, [ 2 ] ]", ["%s", ["a": ["b": 1], "c": [1, [2]]], [1, [2]]]),
        FormatCase("{ a: {}, b: [], c: [Array] }", ["%s", ["a": [:], "b": [], "c": [1]]]),
        FormatCase("-0", ["%s", .number(-0.0)]),
        FormatCase("1.5:1e+21 1e-7", ["%s:%s", 1.5, 1e+21, 1e-7]),
        FormatCase("true null undefined", ["%s", true, nil, .undefined]),
        FormatCase("[ undefined, null, -0, 'x' ]", ["%s", [.undefined, nil, .number(-0.0), "x"]]),
        FormatCase("%s x", ["%s", "%s", "x"]),
        FormatCase("42.5 42 42.5", ["%d %i %f", "42.5", "42.5", "42.5"]),
        FormatCase("0|NaN|1|0|7|NaN|16", ["%d|%d|%d|%d|%d|%d|%d", nil, .undefined, true, [], [7], [:], "0x10"]),
        FormatCase("12|0|NaN|-0|Infinity|NaN", ["%d|%d|%d|%d|%d|%d", " 12 ", "", "1_000", "-0", "Infinity", "-0x10"]),
        FormatCase(
            "5|15|NaN|NaN|0.5|3", ["%d|%d|%d|%d|%d|%d", "0b101", "0o17", "1e", ".", "+.5", "\u{A0}\n3\u{2028}"]),
        FormatCase("-0|1e+21", ["%d|%d", .number(-0.0), 1e+21]),
        FormatCase("-0|1|31|12|NaN", ["%i|%i|%i|%i|%i", -0.5, 1e+21, "0x1f", " 12px", nil]),
        FormatCase("-0|-16|12|NaN|NaN|NaN", ["%i|%i|%i|%i|%i|%i", "-0", "-0x10", "12e3", "Infinity", true, []]),
        FormatCase("12|NaN|NaN", ["%i|%i|%i", [[12.5, 3]], [:], "0x"]),
        FormatCase("1000|0.5|1.5|Infinity", ["%f|%f|%f|%f", "1e3x", ".5", [1.5, 2], "Infinityx"]),
        FormatCase(
            "-0|1|-0.0005|Infinity|NaN|7", ["%f|%f|%f|%f|%f|%f", "-0", "1e", "-.5e-3x", "+Infinityx", "inf", " \n 7"]),
        FormatCase("0|NaN|NaN", ["%f|%f|%f", .number(-0.0), .undefined, nil]),
        FormatCase("50%", ["%d%%", 50]),
        FormatCase(
            "{\"b\":null,\"c\":[null,null,0],\"d\":\"q\\\"\\n\\u0001\\\\\"}",
            [
                "%j",
                [
                    "a": .undefined, "b": .number(.nan), "c": [.undefined, .number(.infinity), .number(-0.0)],
                    "d": "q\"\n\u{1}\\",
                ],
            ]),
        FormatCase("undefined|\"x\"", ["%j|%j", .undefined, "x"]),
        FormatCase("0 %j", ["%j", .number(-0.0), "%j"]),
        FormatCase(
            "{\"s\":\"\u{2028}\",\"t\":\"\u{7F}\\u001f\\b\\f\\r\\t\",\"k\":{\"a\\\"b\":1},\"e\":{},\"f\":[]}",
            ["%j", ["s": "\u{2028}", "t": "\u{7F}\u{1F}\u{8}\u{C}\r\t", "k": ["a\"b": 1], "e": [:], "f": []]]),
        FormatCase("[1,\"two\",null,true,false,1e+21,0.1]", ["%j", [1, "two", nil, true, false, 1e+21, 0.1]]),
        FormatCase("'str' %O", ["%O", "str", "%O"]),
        FormatCase("'str'", ["%o", "str"]),
        FormatCase("{ a: { b: { c: [Object] } } }", ["%O", ["a": ["b": ["c": ["d": 1]]]]]),
        FormatCase("[ 1, [ 2, [ 3, [Array] ] ] ]", ["%O", [1, [2, [3, [4]]]]]),
        FormatCase("{ a: [ 1, [length]: 1 ] }", ["%o", ["a": [1]]]),
        FormatCase("[ [length]: 0 ]", ["%o", []]),
        FormatCase("{ a: [ [ [length]: 0 ], [length]: 1 ] }", ["%o", ["a": [[]]]]),
        FormatCase("[ 1, 'x', [length]: 2 ]", ["%o", [1, "x"]]),
        FormatCase("5", ["%o", 5]),
        FormatCase("|%c", ["%c|%c", "color: red"]),
        FormatCase("x", ["%cx%c", "a", "b"]),
        FormatCase("%x 1", ["%x %s", 1]),
        FormatCase("a% 1", ["a%", 1]),
        FormatCase("% 1", ["%", 1]),
        FormatCase("ab c { d: 1 }", ["%s%s", "a", "b", "c", ["d": 1]]),
        FormatCase("%s a b", ["%%s %s", "a", "b"]),
        FormatCase("%x", ["%%%s", "x"]),
        FormatCase("% %%", ["%%", "%%"]),
        FormatCase("5 %s x", [5, "%s", "x"]),
        FormatCase(
            "a 1 2 3.5 {} 1 2  extra", ["%s %d %i %f %j %o %O %c", "a", "1", "2.9", "3.5", [:], 1, 2, 3, "extra"]),
        FormatCase("😀é😀", ["😀%s😀", "é"]),
        FormatCase("%😀 1", ["%😀", 1]),
    ]

    @Test(arguments: nodeCases) func formatsAsNodeDoes(_ example: FormatCase) {
        #expect(ConsoleFormat.format(example.arguments) == example.expected)
    }

    @Test func formatsFunctionsAsNodeDoes() {
        let greet = JSValue.function(JSFunction(reference: StubFunction(name: "greet")))
        let anonymous = JSValue.function(JSFunction(reference: StubFunction(name: "")))
        // From Node 20, with `function greet() {}` and `() => 1`.
        #expect(
            ConsoleFormat.format([greet, anonymous, ["f": greet], [greet]])
                == "[Function: greet] [Function (anonymous)] { f: [Function: greet] } [ [Function: greet] ]")
        #expect(
            ConsoleFormat.format(["%j|%d|%i|%f|%O", greet, greet, greet, greet, ["f": greet]])
                == "undefined|NaN|NaN|NaN|{ f: [Function: greet] }")
        #expect(ConsoleFormat.format(["%j", ["f": greet, "a": [greet]]]) == "{\"a\":[null]}")
        #expect(ConsoleFormat.format(["%s", ["a": greet, "b": ["c": 1]]]) == "{ a: [Function: greet], b: [Object] }")
    }

    /// Where the output differs from Node's, on purpose; Node 20's output is in the comments.
    @Test func differsFromNodeWhereDocumented() {
        let greet = JSValue.function(JSFunction(reference: StubFunction(name: "greet")))
        // Node prints the function's source, `function greet() {}`: a handle has no source.
        #expect(ConsoleFormat.format(["%s", greet]) == "[Function: greet]")
        // Node adds the hidden properties, over several lines: `<ref *1> [Function: greet] {
        // [length]: 0, [name]: 'greet', ... }`.
        #expect(ConsoleFormat.format(["%o", greet]) == "[Function: greet]")
        // Keys are written as JSValue.description writes them; Node: `{ '$a': 1, 'é': 2 }`.
        #expect(ConsoleFormat.format([["$a": 1, "é": 2]]) == "{ $a: 1, é: 2 }")
        // Node breaks long values over several lines (here `[\n  1, 2, 3, 4,\n  5, 6, 7\n]`);
        // the text here is always one line, with the same items.
        #expect(ConsoleFormat.format([[1, 2, 3, 4, 5, 6, 7]]) == "[ 1, 2, 3, 4, 5, 6, 7 ]")
        let hundredAndOne = JSValue.array((0...100).map { .number(Double($0)) })
        let hundred = (0..<100).map(String.init).joined(separator: ", ")
        #expect(ConsoleFormat.format([hundredAndOne]) == "[ \(hundred), ... 1 more item ]")
        #expect(ConsoleFormat.format(["%o", hundredAndOne]) == "[ \(hundred), ... 1 more item, [length]: 101 ]")
        let long = String(repeating: "y", count: 10_002)
        let kept = String(repeating: "y", count: 10_000)
        #expect(ConsoleFormat.format([[.string(long)]]) == "[ '\(kept)'... 2 more characters ]")
        #expect(ConsoleFormat.format([.string(long)]) == long)  // a string argument is never cut
    }

    @Test func levelsMapToLoggerLevelsAndStreams() {
        #expect(ConsoleLevel.allCases == [.debug, .info, .log, .warn, .error])
        #expect(ConsoleLevel.allCases.map(\.loggerLevel) == [.debug, .info, .info, .warning, .error])
        #expect(ConsoleLevel.allCases.map(\.rawValue) == ["debug", "info", "log", "warn", "error"])
        #expect(ConsoleLevel.allCases.filter(\.writesToStandardError) == [.warn, .error])
    }

    @Test func handlerReceivesLevelTextAndArguments() {
        let received = Received()
        let output = ConsoleOutput.handler { message in received.messages.withLock { $0.append(message) } }
        for level in ConsoleLevel.allCases {
            output.emit(level, arguments: ["%s has %d items", "cart", 3, ["id": .string(level.rawValue)]])
        }
        let messages = received.messages.withLock { $0 }
        #expect(messages.map(\.level) == ConsoleLevel.allCases)
        #expect(messages.first?.text == "cart has 3 items { id: 'debug' }")
        #expect(messages.last?.text == "cart has 3 items { id: 'error' }")
        #expect(messages.last?.arguments == ["%s has %d items", "cart", 3, ["id": "error"]])
    }

    @Test func loggerGetsTextLevelAndMetadata() {
        let handler = RecordingLogHandler()
        let output = ConsoleOutput.logger(Logger(label: "scripts") { _ in handler })
        for level in ConsoleLevel.allCases {
            output.emit(level, arguments: ["%s:", .string(level.rawValue), 1], runtimeName: "plugin")
        }
        output.emit(.warn, arguments: [])
        let records = handler.records
        #expect(records.map(\.level) == [.debug, .info, .info, .warning, .error, .warning])
        #expect(records.map(\.message) == ["debug: 1", "info: 1", "log: 1", "warn: 1", "error: 1", ""])
        #expect(records[2].metadata == ["console": "log", "runtime": "plugin"])
        #expect(records[5].metadata == ["console": "warn"])
    }

    @Test func loggerLevelFiltersCalls() {
        var filtering = RecordingLogHandler()
        filtering.logLevel = .warning
        let handler = filtering
        let output = ConsoleOutput.logger(Logger(label: "scripts") { _ in handler })
        for level in ConsoleLevel.allCases { output.emit(level, arguments: [.string(level.rawValue)]) }
        #expect(handler.records.map(\.message) == ["warn", "error"])
    }

    @Test func disabledDoesNothing() {
        let output = ConsoleOutput.disabled
        #expect(!output.isEnabled)
        for level in ConsoleLevel.allCases { output.emit(level, arguments: ["ignored", [1, 2]]) }
    }

    @Test func isEnabled() {
        #expect(!ConsoleOutput.disabled.isEnabled)
        #expect(ConsoleOutput.standardStreams.isEnabled)
        #expect(ConsoleOutput.handler { _ in }.isEnabled)
        #expect(ConsoleOutput.logger(Logger(label: "scripts") { _ in RecordingLogHandler() }).isEnabled)
    }

    @Test func standardStreamsWriteWholeLines() throws {
        let file = try #require(tmpfile())
        defer { fclose(file) }
        StandardStreams.writeLine("first\u{0}line", to: file)
        StandardStreams.writeLine("café", to: file)
        rewind(file)
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = fread(&bytes, 1, bytes.count, file)
        #expect(String(decoding: bytes[..<count], as: UTF8.self) == "first\u{0}line\ncafé\n")
    }
}

/// What a handler was given.
private final class Received: Sendable {
    let messages = Mutex<[ConsoleMessage]>([])
}

/// A function handle's runtime side, with only a name.
private final class StubFunction: JSFunctionReference {
    let name: String
    init(name: String) { self.name = name }
    var isReleased: Bool { false }
    func release() {}
}

/// A `LogHandler` that keeps what it is given. Copies share their records, as a `Logger`
/// copies its handler.
private struct RecordingLogHandler: LogHandler {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private final class Storage: Sendable {
        let records = Mutex<[Record]>([])
    }

    private let storage = Storage()
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    var records: [Record] { storage.records.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let record = Record(level: event.level, message: event.message.description, metadata: event.metadata ?? [:])
        storage.records.withLock { $0.append(record) }
    }
}
