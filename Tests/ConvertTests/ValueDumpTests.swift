import Foundation
import JSRunTestSupport
import Testing

/// The `ValueDump` example (Examples/ValueDump) run as it is, against Node: Node reads the file
/// it writes, and it prints the files Node writes as Node's `util.inspect` shows them.
@Suite("Examples/ValueDump with Node")
struct ValueDumpTests {
    @Test(.enabled(if: WriterFixtures.Node.isAvailable, "node is not on PATH: only Node can check the files"))
    func nodeReadsTheSampleItWrites() throws {
        let file = ValueDump.temporaryFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try ValueDump.run(["--write", file.path])
        #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.isEmpty, "\(run)")
        let lines = try WriterFixtures.Node.run(
            """
            const v8 = require('v8'), util = require('util'), fs = require('fs');
            const { file } = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
            const value = v8.deserialize(fs.readFileSync(file));
            const expected = {
              name: 'ValueDump', created: new Date('2024-01-01T00:00:00.000Z'), id: 2n ** 64n - 1n,
              samples: new Float32Array([1.5, -2, 0.25]), ranks: new Map([[1, 'Ada'], [2, 'Grace']]),
              nested: { tags: ['math', 'engines'], checksum: new Uint8Array([0xca, 0xfe]) },
            };
            console.log(util.isDeepStrictEqual(value, expected) ? 'ok' : util.inspect(value));
            """,
            input: ["file": file.path])
        #expect(lines == ["ok"])
    }

    @Test(.enabled(if: WriterFixtures.Node.isAvailable, "node is not on PATH: only Node can write the files"))
    func printsWhatNodeWritesAsNodeShowsIt() throws {
        let sources = [
            "{ when: new Date(0), big: 2n ** 64n, m: new Map([[1, 'one']]), s: new Set(['a']), f: new Float64Array([1.5]) }",
            "[1, 'two', null, undefined, -0, NaN, { 'first-name': 'Ada', nested: { deep: [true, []] } }]",
            "new Map([[{ k: 1 }, new Set([1n])], ['x', new Int16Array([-1, 2])]])",
            "'plain string'",
        ]
        let files = sources.map { _ in ValueDump.temporaryFile() }
        defer { for file in files { try? FileManager.default.removeItem(at: file) } }
        let shown = try WriterFixtures.Node.run(
            """
            const v8 = require('v8'), util = require('util'), fs = require('fs');
            const options = { depth: Infinity, breakLength: Infinity, compact: Infinity, maxArrayLength: Infinity };
            for (const { source, file } of JSON.parse(fs.readFileSync(process.argv[1], 'utf8'))) {
              const value = (0, eval)('(' + source + ')');
              fs.writeFileSync(file, v8.serialize(value));
              console.log(util.inspect(value, options));
            }
            """,
            input: zip(sources, files).map { ["source": $0, "file": $1.path] })
        try #require(shown.count == sources.count, "\(shown)")
        for (file, expected) in zip(files, shown) {
            let run = try ValueDump.run([file.path])
            #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
            #expect(run.stdout == expected + "\n")
        }
    }

    @Test func refusesWhatIsNotAValue() throws {
        let file = ValueDump.temporaryFile()
        try Data([0xFF, 0x0F, UInt8(ascii: "o")]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try ValueDump.run([file.path])
        #expect(run.status == 1 && run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("ValueDump: malformed V8 serialization data"), "\(run.stderr)")
        let usage = try ValueDump.run([])
        #expect(usage.status == 2 && usage.stderr == "usage: ValueDump [--max-depth N] FILE | ValueDump --write FILE\n")
    }
}

/// The `ValueDump` executable, built beside the test bundle, run as a subprocess.
private enum ValueDump {
    static var executable: URL { productBesideTests("JSRunValueDump") }

    static func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("value-dump-\(UUID().uuidString).bin")
    }

    static func run(_ arguments: [String]) throws -> ProcessOutput {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "ValueDump is not built beside the tests (swift build builds it): \(executable.path)")
        return try runProcess(executable, arguments)
    }
}
