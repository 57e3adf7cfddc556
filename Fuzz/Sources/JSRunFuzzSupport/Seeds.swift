import Foundation
import JSRunConvert

/// The seed corpus that JSRun's own writer makes: a value of each kind the format holds, and
/// some of them nested, for libFuzzer to mutate. (`make fuzz` adds what Node's `v8.serialize`
/// writes, when Node is there: sparse arrays, references, typed arrays as host objects.)
public enum FuzzSeeds {
    public static var values: [JSValue] {
        let leaves: [JSValue] = [
            .undefined, .null, true, false, 0, -1, 1.5, .number(.nan), .number(-0.0), 2_147_483_648,
            "", "ascii", "latin-1 é", "two-byte ☃ \u{1F600}",
            .bigInt(JSBigInt(isNegative: true, words: [1, 2])),
            .date(JSDate(millisecondsSince1970: 1e12)),
            .regExp(JSRegExp("a+b", flags: "gi")),
            .bytes(JSBytes(.uint8Array, data: Data([1, 2, 3, 4]))!),
            .bytes(JSBytes(.float64Array, data: Data(count: 16))!),
            .bytes(JSBytes(.arrayBuffer, data: Data([9, 8, 7]))!),
            .error(JSError(name: "TypeError", message: "bad", stack: "TypeError: bad\n    at x")),
        ]
        let containers: [JSValue] = [
            .array(leaves),
            .object(JSObject(leaves.enumerated().map { ("k\($0.offset)", $0.element) })),
            .map(JSMap([(1, "one"), ("two", 2), (.null, .array([1, 2]))])),
            .set([1, "1", .null]),
            [["id": 1, "name": "a"], ["id": 2, "name": "b"], ["id": 3, "name": "c"]],
            [[[[[1]]]]],
        ]
        return leaves + containers
    }

    /// Writes each seed into `directory` as `writer-<n>` (made if missing), unless it is there.
    public static func write(into directory: String) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, value) in values.enumerated() {
            let path = directory + "/writer-\(index)"
            guard !FileManager.default.fileExists(atPath: path), let bytes = try? value.v8Serialized() else { continue }
            _ = FileManager.default.createFile(atPath: path, contents: bytes)
        }
    }

    /// The corpus folder of a fuzzer's command line: its first argument that is not an option.
    static func corpusDirectory(_ arguments: some Sequence<String>) -> String? {
        arguments.dropFirst().first { !$0.hasPrefix("-") }
    }
}
