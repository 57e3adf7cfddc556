import Foundation
import JSRun

/// The code of `docs/guides/Values.md`; see ``GettingStarted`` for how snippets are marked.
package enum Values {
    /// One value of every kind, read from JavaScript.
    package static func everyKind() throws -> JSValue {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: every-kind
        let value = try runtime.eval(
            """
            ({
              nothing: undefined, empty: null, yes: true, pi: 3.14, negativeZero: -0, huge: 2n ** 64n,
              text: 'héllo', holes: [1, , 3], epoch: new Date(0), bytes: new Int16Array([1, -1]),
              counts: new Map([['a', 1], [2, 'b']]), unique: new Set([1, 1, 2]),
              failure: new RangeError('too far', { cause: 42 }), pattern: /ab+c/gi,
              boxed: new Number(7), double: x => x * 2,
            })
            """)
        let nothing = value["nothing"]  // .undefined (a property that is there, set to undefined)
        let holes = value["holes"]  // .array([1, .undefined, 3])
        let huge = value["huge"]?.bigIntValue?.description  // "18446744073709551616"
        let bytes = value["bytes"]?.bytesValue  // kind .int16Array, 4 bytes
        let counts = value["counts"]?.mapValue  // entries "a" => 1, 2 => "b", in order
        let failure = value["failure"]?.errorValue  // name "RangeError", message "too far", cause 42
        let boxed = value["boxed"]  // .number(7): a boxed primitive is its primitive
        let doubled = try value["double"]?.function?.call(21)  // .number(42): a handle, callable from Swift
        // end snippet
        _ = (nothing, holes, huge, bytes, counts, failure, boxed)
        return doubled == 42 ? value : .undefined
    }

    /// Values decoded into Swift types.
    package static func decoding() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: decoding
        struct Event: Decodable {
            var id: UInt64  // from a number or a BigInt that fits
            var title: String
            var at: Date  // from a Date
            var tags: Set<String>  // from an array or a Set
            var scores: [String: Int]  // from an object or a Map
            var payload: Data  // from an ArrayBuffer, a typed array or a DataView
            var note: String?  // nil from undefined, null, or a missing property
        }

        let event = try runtime.eval(
            """
            ({ id: 2n ** 60n, title: 'launch', at: new Date(Date.UTC(2024, 0, 1)),
               tags: new Set(['a', 'b']), scores: new Map([['ada', 3]]), payload: new Uint8Array([1, 2]) })
            """,
            as: Event.self)
        // event.id == 1152921504606846976, event.at is 2024-01-01 00:00:00 UTC, event.note == nil
        // end snippet
        return [
            String(event.id), event.title, "\(event.at.timeIntervalSince1970)",
            event.tags.sorted().joined(separator: ","),
            "\(event.scores)", "\(Array(event.payload))", "\(event.note as Any)",
        ]
    }

    /// A value that does not decode: the error names the path and what was found.
    package static func decodingError() throws -> String {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: decoding-error
        var message = ""
        struct User: Decodable {
            var name: String
            var age: Int
        }

        do {
            _ = try runtime.eval("[{ name: 'Ada', age: 36 }, { name: 'Grace', age: '85' }]", as: [User].self)
        } catch let error as DecodingError {
            message = "\(error)"  // ... "$[1].age: expected a number for Int, found string" ...
        }
        // end snippet
        return message
    }

    /// What each `JSValue` case becomes in JavaScript.
    package static func jsValuesIntoJavaScript() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: jsvalue-into-javascript
        // What JavaScript sees: the class of each argument, as Object.prototype.toString names it.
        let kinds = try runtime.eval("(...values) => values.map(v => Object.prototype.toString.call(v))").function!

        let seen = try kinds.call(
            .undefined, .null, 1.5, "text", [1, 2], ["key": "value"],
            .bigInt(JSBigInt("123456789012345678901234567890")!),
            .date(JSDate(millisecondsSince1970: 0)),
            .bytes(JSBytes([1, -1] as [Int32])),
            .map(JSMap([(1, "one")])),
            .set([1, 2]),
            .error(JSError(name: "TypeError", message: "bad")),
            .regExp(JSRegExp("a+", flags: "g")),
            as: [String].self)
        // ["[object Undefined]", "[object Null]", "[object Number]", "[object String]",
        //  "[object Array]", "[object Object]", "[object BigInt]", "[object Date]",
        //  "[object Int32Array]", "[object Map]", "[object Set]", "[object Error]", "[object RegExp]"]
        // end snippet
        return seen
    }

    /// Encodable Swift values into JavaScript.
    package static func encodablesIntoJavaScript() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: encodable-into-javascript
        struct Order: Encodable {
            var id: Int
            var placed: Date
            var items: [String]
            var receipt: Data
            var prices: [String: Double]
            var note: String?
        }

        let order = Order(
            id: 7, placed: Date(timeIntervalSince1970: 0), items: ["tea"], receipt: Data([1, 2]),
            prices: ["tea": 2.5], note: nil)
        let describe = try runtime.eval(
            "(order) => Object.entries(order).map(([key, value]) => `${key}: ${value.constructor.name}`)"
        ).function!
        let seen = try describe.call(JSValueEncoder().encode(order), as: [String].self)
        // ["id: Number", "placed: Date", "items: Array", "receipt: Uint8Array", "prices: Object"]:
        // a nil property is left out
        // end snippet
        return seen
    }

    /// Encoder strategies: BigInts for large integers, Maps for dictionaries.
    package static func encoderStrategies() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: encoder-strategies
        var encoder = JSValueEncoder()
        let big = Result { try encoder.encode(Int64.max) }  // fails: a number would be 9223372036854775808

        encoder.largeIntegerEncodingStrategy = .bigInt
        encoder.dictionaryEncodingStrategy = .mapForNonStringKeys
        let value = try encoder.encode(["max": [Int64.max], "small": [1]])
        let byNumber = try encoder.encode([1: "one", 2: "two"])

        let types = try runtime.eval("(...values) => values.map(v => v.constructor.name)").function!
        let seen = try types.call(value["max"]![0]!, value["small"]![0]!, byNumber, as: [String].self)
        // ["BigInt", "Number", "Map"]
        // end snippet
        if case .success = big { return ["Int64.max encoded as a number"] }
        return seen
    }

    /// The limits on values crossing the boundary.
    package static func limits() throws -> (deep: Bool, refusal: String, large: String) {
        // snippet: limits
        var refusal = ""
        var large = ""
        var config = RuntimeConfig()
        config.conversionLimits = ConversionLimits(maxDepth: 3, maxBytes: 1024)
        let runtime = try Runtime(config)
        defer { runtime.close() }

        let deep = try runtime.eval("[[['three levels']]]")  // fine: three containers deep
        do {
            try runtime.eval("[[[['four levels']]]]")
        } catch RuntimeError.conversion(let message) {
            refusal = message  // "the value at $[0][0][0] is nested more than 3 levels deep"
        }
        do {
            try runtime.eval("'x'.repeat(2000)")
        } catch RuntimeError.conversion(let message) {
            large = message  // "the value takes 2005 bytes, more than the limit of 1024 bytes ..."
        }
        // end snippet
        return (deep.arrayValue != nil, refusal, large)
    }

    /// Values that cannot leave JavaScript.
    package static func refused() throws -> [String] {
        let runtime = try Runtime()
        defer { runtime.close() }
        // snippet: refused
        var messages: [String] = []
        let sources = [
            "({ list: [1, Symbol('s')] })", "({ pending: Promise.resolve(1) })", "const me = {}; me.self = me; me",
        ]
        for source in sources {
            do {
                try runtime.eval(source)
            } catch RuntimeError.conversion(let message) {
                messages.append(message)
            }
        }
        // "a Symbol at $.list[1] cannot leave its runtime: a symbol is unique to it"
        // "a Promise at $.pending cannot be copied: await it (evalAsync, callAsync)"
        // "the object at $.self refers back to an object that contains it (a cycle)"
        // end snippet
        return messages
    }

    /// V8's serialization format, without a runtime.
    package static func wireFormat() throws -> (same: Bool, size: Int) {
        // snippet: wire-format
        let value: JSValue = ["id": 1, "tags": .set(["a", "b"]), "at": .date(JSDate(millisecondsSince1970: 0))]
        let data = try value.v8Serialized()  // what Node's v8.deserialize() reads
        let back = try JSValue(v8Serialized: data)  // what Node's v8.serialize() writes
        // back == value
        // end snippet
        return (back == value, data.count)
    }

    /// Building values in Swift.
    package static func building() -> JSValue {
        // snippet: building
        var user: JSValue = ["name": "Ada", "langs": ["en", "fr"], "admin": false, "manager": nil]
        // nil is null; use .undefined for undefined
        if case .object(var properties) = user {
            properties["age"] = 36  // appended: objects keep their key order
            user = .object(properties)
        }
        // end snippet
        return user
    }
}
