import Foundation
import JSRunConvert
import Testing

// MARK: - Types

/// A type with a property of every kind the issue names, nested structs and optionals.
private struct Account: Codable, Equatable {
    var id: Int64
    var createdAt: Date
    var avatar: Data
    var samples: [Int32]
    var tags: Set<String>
    var names: [Int: String]
    var nickname: String?
    var manager: String?
    var owner: Person
    var history: [Event]
}

private struct Person: Codable, Equatable {
    var firstName: String
    var birthday: Date?
}

private struct Event: Codable, Equatable {
    var at: Date
    var payload: [UInt8]
}

/// A type that holds each JavaScript kind as it is.
private struct Raw: Codable, Equatable {
    var bigInt: JSBigInt
    var date: JSDate
    var bytes: JSBytes
    var map: JSMap
    var error: JSError
    var regExp: JSRegExp
    var value: JSValue
    var object: JSObject
}

/// The message of a coding error: the description the coders write.
private func message(_ error: (any Error)?) -> String {
    switch error {
    case let error as DecodingError:
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            context.debugDescription
        @unknown default: "\(error)"
        }
    case let error as EncodingError:
        switch error {
        case .invalidValue(_, let context): context.debugDescription
        @unknown default: "\(error)"
        }
    default: "\(String(describing: error))"
    }
}

/// 2024-01-01T00:00:00.500Z, exact in both a `Date` and a JavaScript date.
private let newYear = Date(timeIntervalSince1970: 1_704_067_200.5)

// MARK: - Round trips

@Suite("Codable: every kind of value")
struct CodableValueKindsTests {
    fileprivate let account = Account(
        id: Int64(1) << 60 + 1, createdAt: newYear, avatar: Data([0, 1, 255]), samples: [-1, 0, Int32.max],
        tags: ["a", "b"], names: [1: "one", 2: "two"], nickname: "Al", manager: nil,
        owner: Person(firstName: "Ada", birthday: Date(timeIntervalSince1970: -1_000)),
        history: [Event(at: Date(timeIntervalSince1970: 0), payload: [9, 8])])

    fileprivate var encoder: JSValueEncoder {
        var encoder = JSValueEncoder()
        encoder.largeIntegerEncodingStrategy = .bigInt
        encoder.dictionaryEncodingStrategy = .mapForNonStringKeys
        return encoder
    }

    @Test func aStructOfEveryKindRoundTrips() throws {
        let value = try encoder.encode(account)
        #expect(value["id"] == .bigInt(JSBigInt(Int64(1) << 60 + 1)))
        #expect(value["createdAt"] == .date(JSDate(millisecondsSince1970: 1_704_067_200_500)))
        #expect(value["avatar"] == .bytes(JSBytes([0, 1, 255] as [UInt8])))
        #expect(value["samples"] == [-1, 0, .number(Double(Int32.max))])
        #expect(value["tags"]?.arrayValue.map(Set.init) == ["a", "b"])
        #expect(value["names"]?.mapValue?.count == 2 && value["names"]?.mapValue?[1] == "one")
        #expect(value["manager"] == nil, "a nil optional is left out")
        #expect(value["owner"]?["birthday"] == .date(JSDate(millisecondsSince1970: -1_000_000)))
        #expect(value["history"]?[0]?["payload"] == .bytes(JSBytes([9, 8] as [UInt8])))
        #expect(try JSValueDecoder().decode(Account.self, from: value) == account)
    }

    @Test func aStructOfEveryKindRoundTripsThroughV8sFormat() throws {
        let bytes = try encoder.encode(account).v8Serialized()
        #expect(try JSValueDecoder().decode(Account.self, from: JSValue(v8Serialized: bytes)) == account)
    }

    @Test func everyValueTypePassesThroughUnchanged() throws {
        let raw = Raw(
            bigInt: JSBigInt("-123456789012345678901234567890")!, date: .invalid,
            bytes: JSBytes([1.5, -2] as [Float]), map: [1: "one", ["k"]: .undefined],
            error: JSError(name: "RangeError", message: "far", stack: "RangeError: far", cause: 42),
            regExp: JSRegExp("a+", flags: "gi"), value: .set([.undefined]), object: ["u": .undefined])
        let value = try JSValueEncoder().encode(raw)
        #expect(value["bigInt"] == .bigInt(raw.bigInt))
        #expect(value["date"] == .date(.invalid))
        #expect(value["bytes"] == .bytes(raw.bytes))
        #expect(value["map"] == .map(raw.map))
        #expect(value["error"] == .error(raw.error))
        #expect(value["regExp"] == .regExp(raw.regExp))
        #expect(value["value"] == .set([.undefined]))
        #expect(value["object"] == ["u": .undefined])
        #expect(try JSValueDecoder().decode(Raw.self, from: value) == raw)
        #expect(try JSValueEncoder().encode(raw.bigInt) == .bigInt(raw.bigInt))
        #expect(try JSValueDecoder().decode(JSMap.self, from: .map(raw.map)) == raw.map)
    }

    @Test func valueTypesDecodeOnlyFromTheirOwnKind() throws {
        let decoder = JSValueDecoder()
        let bigInt = #expect(throws: DecodingError.self) { try decoder.decode(JSBigInt.self, from: 42) }
        #expect(message(bigInt) == "$: expected a bigint for JSBigInt, found number")
        let date = #expect(throws: DecodingError.self) { try decoder.decode([JSDate].self, from: ["2024"]) }
        #expect(message(date) == "$[0]: expected a Date for JSDate, found string")
        let bytes = #expect(throws: DecodingError.self) { try decoder.decode(JSBytes.self, from: [1]) }
        #expect(message(bytes) == "$: expected an ArrayBuffer, a typed array or a DataView for JSBytes, found array")
        let map = #expect(throws: DecodingError.self) { try decoder.decode(JSMap.self, from: [:]) }
        #expect(message(map) == "$: expected a Map for JSMap, found object")
        let regExp = #expect(throws: DecodingError.self) { try decoder.decode(JSRegExp.self, from: "/a/") }
        #expect(message(regExp) == "$: expected a RegExp for JSRegExp, found string")
        let function = #expect(throws: DecodingError.self) { try decoder.decode(JSFunction.self, from: ["f": 1]) }
        #expect(message(function) == "$: expected a function for JSFunction, found object")
        let missing = #expect(throws: DecodingError.self) { try decoder.decode(JSBigInt.self, from: .undefined) }
        #expect(message(missing) == "$ is undefined, not JSBigInt")
    }
}

// MARK: - Numbers and BigInts

@Suite("Codable: numbers and BigInts")
struct CodableNumberTests {
    @Test func bigIntsDecodeIntoIntegersTheyFit() throws {
        let decoder = JSValueDecoder()
        #expect(try decoder.decode(Int64.self, from: .bigInt(JSBigInt(Int64.min))) == .min)
        #expect(try decoder.decode(UInt64.self, from: .bigInt(JSBigInt(UInt64.max))) == .max)
        #expect(try decoder.decode([Int8].self, from: [.bigInt(-128), 127]) == [-128, 127])
        let tooLarge = #expect(throws: DecodingError.self) {
            try decoder.decode([String: Int64].self, from: ["id": .bigInt(JSBigInt(UInt64.max))])
        }
        #expect(message(tooLarge) == "$.id: 18446744073709551615n is out of the range of Int64")
        let negative = #expect(throws: DecodingError.self) { try decoder.decode(UInt.self, from: .bigInt(-1)) }
        #expect(message(negative) == "$: -1n is out of the range of UInt")
        let double = #expect(throws: DecodingError.self) { try decoder.decode(Double.self, from: .bigInt(1)) }
        #expect(message(double) == "$: expected a number for Double, found bigint")
        let string = #expect(throws: DecodingError.self) { try decoder.decode(String.self, from: .bigInt(1)) }
        #expect(message(string) == "$: expected a string for String, found bigint")
    }

    @Test func largeIntegersBecomeBigIntsWhenAsked() throws {
        var encoder = JSValueEncoder()
        encoder.largeIntegerEncodingStrategy = .bigInt
        #expect(try encoder.encode(Int64.max) == .bigInt(JSBigInt(Int64.max)))
        #expect(try encoder.encode([UInt64.max, 1]) == [.bigInt(JSBigInt(UInt64.max)), 1])
        #expect(try encoder.encode(["small": Int64(1) << 53]) == ["small": .number(9_007_199_254_740_992)])
        #expect(try encoder.encode(Int.min) == .number(-9_223_372_036_854_775_808), "-2^63 is a number exactly")
        let refused = #expect(throws: EncodingError.self) { try JSValueEncoder().encode([Int64.max]) }
        #expect(message(refused).hasSuffix("largeIntegerEncodingStrategy .bigInt writes it as a BigInt"))
    }

    @Test func int128GoesBothWays() throws {
        var encoder = JSValueEncoder()
        #expect(try encoder.encode(Int128(-5)) == -5)
        #expect(throws: EncodingError.self) { try encoder.encode(Int128.max) }
        encoder.largeIntegerEncodingStrategy = .bigInt
        #expect(try encoder.encode(Int128.max) == .bigInt(JSBigInt(Int128.max)))
        #expect(try encoder.encode(UInt128.max) == .bigInt(JSBigInt(UInt128.max)))
        #expect(try JSValueDecoder().decode(Int128.self, from: .bigInt(JSBigInt(Int128.min))) == .min)
        #expect(try JSValueDecoder().decode(UInt128.self, from: 12) == 12)
        struct Wide: Codable, Equatable { var signed: Int128, unsigned: [UInt128] }
        let wide = Wide(signed: .min + 1, unsigned: [.max, 1])
        let value = try encoder.encode(wide)
        #expect(
            value == ["signed": .bigInt(JSBigInt(Int128.min + 1)), "unsigned": [.bigInt(JSBigInt(UInt128.max)), 1]])
        #expect(try JSValueDecoder().decode(Wide.self, from: value) == wide)
        let narrow = #expect(throws: DecodingError.self) {
            try JSValueDecoder().decode(Wide.self, from: ["signed": .bigInt(JSBigInt(UInt128.max)), "unsigned": []])
        }
        #expect(message(narrow) == "$.signed: 340282366920938463463374607431768211455n is out of the range of Int128")
    }

    @Test func everyIntegerTypeDecodesInAndOutOfContainers() throws {
        struct Widths: Codable, Equatable {
            var i8: Int8, i16: Int16, i32: Int32, i64: Int64, i: Int
            var u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64, u: UInt
            var f: Float, d: Double, b: Bool, s: String
        }
        let widths = Widths(
            i8: -8, i16: -16, i32: -32, i64: -64, i: -1, u8: 8, u16: 16, u32: 32, u64: 64, u: 1, f: 1.5, d: -0.25,
            b: true, s: "s")
        let value = try JSValueEncoder().encode(widths)
        #expect(value["i8"] == -8 && value["u64"] == 64 && value["f"] == 1.5)
        #expect(try JSValueDecoder().decode(Widths.self, from: value) == widths)
        let arrays: JSValue = [-1, 2]
        #expect(try JSValueDecoder().decode([Int16].self, from: arrays) == [-1, 2])
        #expect(try JSValueDecoder().decode([Float].self, from: arrays) == [-1, 2])
        #expect(try JSValueEncoder().encode([Int8(-1), 2]) == arrays)
        #expect(try JSValueEncoder().encode([Float(-1), 2]) == arrays)
        let fraction = #expect(throws: DecodingError.self) {
            try JSValueDecoder().decode(Widths.self, from: .object(value.objectValue!.replacing("u16", with: 1.5)))
        }
        #expect(message(fraction) == "$.u16: 1.5 is not an integer")
    }

    @Test func nonFiniteNumbersPassThroughByDefault() throws {
        let value = try JSValueEncoder().encode([Double.nan, .infinity, -.infinity])
        #expect(value == [.number(.nan), .number(.infinity), .number(-.infinity)])
        let decoded = try JSValueDecoder().decode([Double].self, from: value)
        #expect(decoded[0].isNaN && decoded[1] == .infinity && decoded[2] == -.infinity)
        #expect(try JSValueDecoder().decode(Float.self, from: .number(-.infinity)) == -.infinity)
    }

    @Test func nonFiniteNumbersCanBeRefused() throws {
        var encoder = JSValueEncoder()
        encoder.nonConformingFloatEncodingStrategy = .throw
        #expect(try encoder.encode(1.5) == 1.5)
        let encoding = #expect(throws: EncodingError.self) { try encoder.encode(["ratio": Float.nan]) }
        #expect(
            message(encoding) == "$.ratio: NaN is not a finite number (nonConformingFloatEncodingStrategy is .throw)")
        var decoder = JSValueDecoder()
        decoder.nonConformingFloatDecodingStrategy = .throw
        #expect(try decoder.decode(Double.self, from: 1.5) == 1.5)
        let decoding = #expect(throws: DecodingError.self) {
            try decoder.decode([Double].self, from: [1, .number(-.infinity)])
        }
        #expect(
            message(decoding) == "$[1]: -Infinity is not a finite number (nonConformingFloatDecodingStrategy is .throw)"
        )
    }

    @Test func nonFiniteNumbersCanBeStrings() throws {
        var encoder = JSValueEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        let value = try encoder.encode([Double.infinity, -.infinity, .nan, 2])
        #expect(value == ["+inf", "-inf", "nan", 2])
        var decoder = JSValueDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        let decoded = try decoder.decode([Float].self, from: value + [.number(.nan)])
        #expect(decoded[0] == .infinity && decoded[1] == -.infinity && decoded[2].isNaN && decoded[3] == 2)
        #expect(decoded[4].isNaN, "numbers still decode as they are")
        let other = #expect(throws: DecodingError.self) { try decoder.decode(Double.self, from: "inf") }
        #expect(message(other) == "$: expected a number for Double, found string")
    }
}

// MARK: - Dates

@Suite("Codable: dates")
struct CodableDateTests {
    @Test func datesAreJavaScriptDatesByDefault() throws {
        let value = try JSValueEncoder().encode(["at": newYear])
        #expect(value == ["at": .date(JSDate(millisecondsSince1970: 1_704_067_200_500))])
        #expect(try JSValueDecoder().decode([String: Date].self, from: value) == ["at": newYear])
        // JavaScript keeps milliseconds: the rest is truncated, as `new Date(ms)` does.
        let precise = Date(timeIntervalSince1970: 1.000_9)
        #expect(try JSValueEncoder().encode(precise) == .date(JSDate(millisecondsSince1970: 1000)))
    }

    @Test func aDateJavaScriptCannotHoldIsAnError() throws {
        let error = #expect(throws: EncodingError.self) {
            try JSValueEncoder().encode(["at": Date(timeIntervalSince1970: 1e13)])
        }
        #expect(message(error) == "$.at: 1e+16 ms since 1970 is outside the range of a JavaScript Date (±8.64e15 ms)")
    }

    @Test func anInvalidDateIsAnErrorForDate() throws {
        let error = #expect(throws: DecodingError.self) {
            try JSValueDecoder().decode([Date].self, from: [.date(JSDate(millisecondsSince1970: 0)), .date(.invalid)])
        }
        #expect(message(error) == "$[1]: the Date is invalid (its time is NaN), which no Swift Date can hold")
        #expect(try JSValueDecoder().decode(JSDate.self, from: .date(.invalid)) == .invalid)
    }

    @Test func numbersAndStringsAreNotDatesByDefault() throws {
        let number = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Date.self, from: 0) }
        #expect(
            message(number)
                == "$: expected a Date for Date, found number "
                + "(dateDecodingStrategy .millisecondsSince1970 or .secondsSince1970 reads numbers)")
        let string = #expect(throws: DecodingError.self) {
            try JSValueDecoder().decode(Date.self, from: "2024-01-01T00:00:00Z")
        }
        #expect(
            message(string)
                == "$: expected a Date for Date, found string (dateDecodingStrategy .iso8601 reads ISO 8601 strings)")
        let null = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Date.self, from: nil) }
        #expect(message(null) == "$ is null, not Date")
        #expect(try JSValueDecoder().decode(Date?.self, from: nil) == nil)
    }

    @Test func millisecondsSince1970() throws {
        var encoder = JSValueEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        #expect(try encoder.encode(newYear) == 1_704_067_200_500)
        var decoder = JSValueDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        #expect(try decoder.decode(Date.self, from: 1_704_067_200_500) == newYear)
        #expect(try decoder.decode(Date.self, from: .date(JSDate(newYear))) == newYear, "a Date always decodes")
        let nan = #expect(throws: DecodingError.self) { try decoder.decode(Date.self, from: .number(.nan)) }
        #expect(message(nan) == "$: NaN is not a time")
        let string = #expect(throws: DecodingError.self) { try decoder.decode(Date.self, from: "0") }
        #expect(message(string) == "$: expected a Date or a number of milliseconds for Date, found string")
    }

    @Test func secondsSince1970() throws {
        var encoder = JSValueEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        #expect(try encoder.encode(newYear) == 1_704_067_200.5)
        var decoder = JSValueDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        #expect(try decoder.decode(Date.self, from: 1_704_067_200.5) == newYear)
        let infinite = #expect(throws: DecodingError.self) { try decoder.decode(Date.self, from: .number(.infinity)) }
        #expect(message(infinite) == "$: Infinity is not a time")
        let bool = #expect(throws: DecodingError.self) { try decoder.decode(Date.self, from: true) }
        #expect(message(bool) == "$: expected a Date or a number of seconds for Date, found boolean")
    }

    @Test func iso8601IsWhatToISOStringWrites() throws {
        var encoder = JSValueEncoder()
        encoder.dateEncodingStrategy = .iso8601
        #expect(try encoder.encode(newYear) == "2024-01-01T00:00:00.500Z")
        #expect(try encoder.encode(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        var decoder = JSValueDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(Date.self, from: "2024-01-01T00:00:00.500Z") == newYear)
        #expect(try decoder.decode(Date.self, from: "2024-01-01T02:00:00.5+02:00") == newYear)
        #expect(try decoder.decode(Date.self, from: .date(JSDate(newYear))) == newYear)
        let wrong = #expect(throws: DecodingError.self) { try decoder.decode(Date.self, from: "yesterday") }
        #expect(
            message(wrong)
                == "$: 'yesterday' is not an ISO 8601 date with a time zone, such as 2024-01-01T00:00:00.000Z")
        let number = #expect(throws: DecodingError.self) { try decoder.decode(Date.self, from: 1) }
        #expect(message(number) == "$: expected a Date or an ISO 8601 string for Date, found number")
    }

    @Test func customDateStrategies() throws {
        var encoder = JSValueEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.container(keyedBy: DynamicCodingKey.self)
            try container.encode(date.timeIntervalSince1970, forKey: DynamicCodingKey("unix"))
        }
        #expect(try encoder.encode(["at": newYear]) == ["at": ["unix": 1_704_067_200.5]])
        var decoder = JSValueDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.container(keyedBy: DynamicCodingKey.self)
            return Date(timeIntervalSince1970: try container.decode(Double.self, forKey: DynamicCodingKey("unix")))
        }
        #expect(try decoder.decode([String: Date].self, from: ["at": ["unix": 1_704_067_200.5]]) == ["at": newYear])
        let error = #expect(throws: DecodingError.self) {
            try decoder.decode([String: Date].self, from: ["at": ["unix": "x"]])
        }
        #expect(message(error) == "$.at.unix: expected a number for Double, found string")
    }
}

// MARK: - Binary data

@Suite("Codable: binary data")
struct CodableBinaryTests {
    @Test func dataAndByteArraysAreUint8ArraysByDefault() throws {
        #expect(try JSValueEncoder().encode(Data([1, 2])) == .bytes(JSBytes(Data([1, 2]))))
        #expect(try JSValueEncoder().encode([1, 2] as [UInt8]) == .bytes(JSBytes(Data([1, 2]))))
        #expect(try JSValueEncoder().encode(["b": [UInt8]()]) == ["b": .bytes(JSBytes(Data()))])
    }

    @Test func dataEncodingStrategies() throws {
        var encoder = JSValueEncoder()
        encoder.dataEncodingStrategy = .arrayBuffer
        #expect(try encoder.encode(Data([1, 2])) == .bytes(JSBytes(.arrayBuffer, data: Data([1, 2]))!))
        encoder.dataEncodingStrategy = .base64
        #expect(try encoder.encode([Data([0xFF, 0, 1])]) == ["/wAB"])
        encoder.dataEncodingStrategy = .array
        #expect(try encoder.encode([255, 0] as [UInt8]) == [255, 0])
        encoder.dataEncodingStrategy = .custom { data, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(data.count)
        }
        #expect(try encoder.encode(["size": Data(count: 3)]) == ["size": 3])
        #expect(try encoder.encode([UInt8](repeating: 0, count: 4)) == 4)
    }

    @Test func anyBinaryValueDecodesIntoData() throws {
        let decoder = JSValueDecoder()
        let bytes = Data([1, 2, 3, 4])
        for kind in [JSBytes.Kind.arrayBuffer, .dataView, .uint8Array, .uint8ClampedArray, .int8Array, .int32Array] {
            let value = JSValue.bytes(JSBytes(kind, data: bytes)!)
            #expect(try decoder.decode(Data.self, from: value) == bytes, "\(kind)")
            #expect(try decoder.decode([UInt8].self, from: value) == [1, 2, 3, 4], "\(kind)")
        }
    }

    @Test func anArrayOfBytesDecodesIntoData() throws {
        let decoder = JSValueDecoder()
        #expect(try decoder.decode(Data.self, from: [0, 255]) == Data([0, 255]))
        #expect(try decoder.decode([UInt8].self, from: []) == [])
        let large = #expect(throws: DecodingError.self) {
            try decoder.decode([String: Data].self, from: ["data": [1, 256]])
        }
        #expect(message(large) == "$.data[1]: 256 is out of the range of UInt8")
        let kind = #expect(throws: DecodingError.self) { try decoder.decode(Data.self, from: [1, "2"]) }
        #expect(message(kind) == "$[1]: expected a number for UInt8, found string")
        let string = #expect(throws: DecodingError.self) { try decoder.decode(Data.self, from: "AQI=") }
        #expect(
            message(string)
                == "$: expected an ArrayBuffer, a typed array, a DataView or an array of bytes for Data, "
                + "found string (dataDecodingStrategy .base64 reads base64 strings)")
    }

    @Test func base64DecodesWhenAsked() throws {
        var decoder = JSValueDecoder()
        decoder.dataDecodingStrategy = .base64
        #expect(try decoder.decode(Data.self, from: "/wAB") == Data([0xFF, 0, 1]))
        #expect(try decoder.decode([UInt8].self, from: .bytes(JSBytes([7] as [UInt8]))) == [7])
        let wrong = #expect(throws: DecodingError.self) { try decoder.decode(Data.self, from: "not base64!") }
        #expect(message(wrong) == "$: the string is not base64")
        let array = #expect(throws: DecodingError.self) { try decoder.decode(Data.self, from: [1]) }
        #expect(message(array) == "$: expected binary data or a base64 string for Data, found array")
    }

    @Test func customDataDecoding() throws {
        var decoder = JSValueDecoder()
        decoder.dataDecodingStrategy = .custom { decoder in
            let bytes = try decoder.singleValueContainer().decode(JSBytes.self)
            return Data(bytes.data.reversed())
        }
        #expect(try decoder.decode(Data.self, from: .bytes(JSBytes([1, 2] as [UInt8]))) == Data([2, 1]))
        #expect(throws: DecodingError.self) { try decoder.decode(Data.self, from: [1, 2]) }
    }

    @Test func typedArraysDecodeIntoArraysOfTheirElements() throws {
        let decoder = JSValueDecoder()
        #expect(try decoder.decode([Int32].self, from: .bytes(JSBytes([-1, 7] as [Int32]))) == [-1, 7])
        #expect(try decoder.decode([Double].self, from: .bytes(JSBytes([.pi, -0.0] as [Double]))) == [.pi, 0])
        #expect(try decoder.decode([Float].self, from: .bytes(JSBytes([1.5] as [Float]))) == [1.5])
        #expect(try decoder.decode([Int64].self, from: .bytes(JSBytes([Int64.min] as [Int64]))) == [.min])
        #expect(try decoder.decode([UInt16].self, from: .bytes(JSBytes([65535] as [UInt16]))) == [65535])
        #expect(try decoder.decode([Int8].self, from: .bytes(JSBytes(.arrayBuffer, data: Data([255]))!)) == [-1])
    }

    @Test func otherArraysReadTheNumbersOfATypedArray() throws {
        let decoder = JSValueDecoder()
        let int32 = JSValue.bytes(JSBytes([-1, 300] as [Int32]))
        #expect(try decoder.decode([Int].self, from: int32) == [-1, 300])
        #expect(try decoder.decode([Double].self, from: int32) == [-1, 300])
        #expect(try decoder.decode([Int].self, from: .bytes(JSBytes([Int64(5)] as [Int64]))) == [5])
        #expect(try decoder.decode([Int].self, from: .bytes(JSBytes(.arrayBuffer, data: Data([1, 2]))!)) == [1, 2])
        #expect(try decoder.decode(Set<Int16>.self, from: int32) == [-1, 300])
        let narrow = #expect(throws: DecodingError.self) { try decoder.decode([Int8].self, from: int32) }
        #expect(message(narrow) == "$[1]: 300 is out of the range of Int8")
        let fractions = #expect(throws: DecodingError.self) {
            try decoder.decode([String: [Int32]].self, from: ["samples": .bytes(JSBytes([0.5] as [Float]))])
        }
        #expect(message(fractions) == "$.samples[0]: 0.5 is not an integer")
    }
}

// MARK: - Maps, Sets, Errors

@Suite("Codable: Maps, Sets and Errors")
struct CodableCollectionTests {
    @Test func mapsDecodeIntoDictionariesOfAnyKeys() throws {
        let decoder = JSValueDecoder()
        #expect(try decoder.decode([Int: String].self, from: .map([1: "a", 2: "b"])) == [1: "a", 2: "b"])
        #expect(try decoder.decode([String: Int].self, from: .map(["x": 1])) == ["x": 1])
        #expect(try decoder.decode([Bool: [Int]].self, from: .map([true: [1]])) == [true: [1]])
        #expect(try decoder.decode([JSValue: Int].self, from: .map([nil: 1, [1]: 2])) == [nil: 1, [1]: 2])
        #expect(try decoder.decode([Int: String].self, from: ["1": "a"]) == [1: "a"], "objects too")
    }

    @Test func mapErrorsNameTheEntry() throws {
        let decoder = JSValueDecoder()
        let key = #expect(throws: DecodingError.self) {
            try decoder.decode([String: [Int: String]].self, from: ["m": .map([1: "a", "two": "b"])])
        }
        #expect(message(key) == "$.m.keys()[1]: expected a number for Int, found string")
        let value = #expect(throws: DecodingError.self) {
            try decoder.decode([Int: String].self, from: .map([1: "a", 2: 2]))
        }
        #expect(message(value) == "$.values()[1]: expected a string for String, found number")
        let same = #expect(throws: DecodingError.self) {
            try decoder.decode([[Int]: Int].self, from: .map([[1]: 1, [1]: 2]))
        }
        #expect(message(same) == "$.keys()[1]: [ 1 ] decodes into the same Array<Int> as an earlier key of the Map")
    }

    @Test func aMapWithStringKeysDecodesIntoAStruct() throws {
        struct Point: Decodable, Equatable { var x: Int, y: Int }
        #expect(try JSValueDecoder().decode(Point.self, from: .map(["x": 1, "y": 2])) == Point(x: 1, y: 2))
        let error = #expect(throws: DecodingError.self) {
            try JSValueDecoder().decode(Point.self, from: .map([1: 1]))
        }
        #expect(
            message(error)
                == "$: expected an object for Point, found Map (a Map reads as an object only when all its keys are strings)"
        )
    }

    @Test func dictionariesAreObjectsByDefault() throws {
        #expect(try JSValueEncoder().encode([1: "a"]) == ["1": "a"])
        #expect(try JSValueEncoder().encode(["k": 1]) == ["k": 1])
        // Keys that are neither strings nor integers: Codable's array of keys and values.
        #expect(try JSValueEncoder().encode([1.5: "a"]) == [1.5, "a"])
        #expect(try JSValueDecoder().decode([Double: String].self, from: [1.5, "a"]) == [1.5: "a"])
    }

    @Test func dictionariesCanBeMaps() throws {
        var encoder = JSValueEncoder()
        encoder.dictionaryEncodingStrategy = .mapForNonStringKeys
        #expect(try encoder.encode([1: "a"]) == .map([1: "a"]))
        #expect(try encoder.encode([1.5: [true: 1]]) == .map([1.5: .map([true: 1])]))
        #expect(try encoder.encode(["k": 1]) == ["k": 1])
        encoder.dictionaryEncodingStrategy = .map
        #expect(try encoder.encode(["k": 1]) == .map(["k": 1]))
        let error = #expect(throws: EncodingError.self) { try encoder.encode([1: Int64.max]) }
        #expect(message(error).hasPrefix("$.values()[0]: 9223372036854775807 would be rounded"))
    }

    @Test func setsDecodeIntoSetsAndArrays() throws {
        let set = JSValue.set(["a", "b", "a"])
        #expect(try JSValueDecoder().decode(Set<String>.self, from: set) == ["a", "b"])
        #expect(try JSValueDecoder().decode([String].self, from: set) == ["a", "b", "a"])
        let error = #expect(throws: DecodingError.self) {
            try JSValueDecoder().decode([String: Set<Int>].self, from: ["ids": .set([1, "2"])])
        }
        #expect(message(error) == "$.ids.values()[1]: expected a number for Int, found string")
        struct Pair: Decodable { var a: Int, b: Int }
        let short = #expect(throws: DecodingError.self) {
            try JSValueDecoder().decode(Pair.self, from: ["a": 1, "b": .set([])])
        }
        #expect(message(short) == "$.b: expected a number for Int, found Set")
    }

    @Test func setsEncodeAsArrays() throws {
        let value = try JSValueEncoder().encode(Set([3]))
        #expect(value == [3])
    }

    @Test func errorsDecodeIntoTypesWithTheirProperties() throws {
        struct Failure: Decodable, Equatable { var name: String, message: String, cause: Int? }
        let error = JSValue.error(JSError(name: "TypeError", message: "bad", stack: "TypeError: bad", cause: 7))
        #expect(
            try JSValueDecoder().decode(Failure.self, from: error)
                == Failure(name: "TypeError", message: "bad", cause: 7))
        #expect(try JSValueDecoder().decode(JSError.self, from: error) == error.errorValue)
        let fromObject = try JSValueDecoder().decode(JSError.self, from: ["message": "plain"])
        #expect(fromObject == JSError(message: "plain"))
        let wrong = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(JSError.self, from: 1) }
        #expect(message(wrong) == "$: expected an object for JSError, found number")
    }
}

// MARK: - Keys

@Suite("Codable: key strategies")
struct CodableKeyTests {
    fileprivate struct Profile: Codable, Equatable {
        var firstName: String
        var homeURL: String
        var metadata: [String: Int]
    }

    @Test func snakeCaseKeysAreJSONEncodersAndJSONDecoders() throws {
        let keys = [
            "myURLProperty", "URLValue", "a1B2", "already_snake", "_leading", "trailing_", "ünïcödeKey", "isHTTP",
            "x", "", "camelCaseKey", "ABC", "aBC", "__a_b__", "a__b", "with2Numbers3", "HTTPSConnection", "MY_KEY",
            "Title_Case_Key", "mixed_CASE_key",
        ]
        var encoder = JSValueEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = JSONEncoder()
        json.keyEncodingStrategy = .convertToSnakeCase
        json.outputFormatting = .sortedKeys
        var decoder = JSValueDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let jsonDecoder = JSONDecoder()
        jsonDecoder.keyDecodingStrategy = .convertFromSnakeCase
        var snakeKeys: [String] = []
        for key in keys {
            let keyed = KeyedValue(key: key)
            let expected = try JSONSerialization.jsonObject(with: json.encode(keyed)) as! [String: Int]
            #expect(try encoder.encode(keyed).objectValue?.keys == Array(expected.keys), "\(key)")
            snakeKeys += expected.keys
        }
        // Decoding: the keys of an object as a keyed container lists them, after conversion.
        for key in keys + snakeKeys {
            let object = try JSONSerialization.data(withJSONObject: [key: 1])
            let expected = try jsonDecoder.decode(KeysSeen.self, from: object).keys
            #expect(try decoder.decode(KeysSeen.self, from: [key: 1]).keys == expected, "\(key)")
        }
    }

    @Test func snakeCaseRoundTripsAndLeavesDictionaryKeysAlone() throws {
        var encoder = JSValueEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let profile = Profile(firstName: "Ada", homeURL: "x", metadata: ["someKey": 1])
        let value = try encoder.encode(profile)
        #expect(value == ["first_name": "Ada", "home_url": "x", "metadata": ["someKey": 1]])
        var decoder = JSValueDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let decoded = try decoder.decode(
            Profile.self, from: ["first_name": "Ada", "homeURL": "x", "metadata": ["a_b": 2]])
        #expect(decoded == Profile(firstName: "Ada", homeURL: "x", metadata: ["a_b": 2]))
        let missing = #expect(throws: DecodingError.self) { try decoder.decode(Profile.self, from: value) }
        #expect(message(missing) == "$.homeURL is missing: the object has no such key", "home_url reads as homeUrl")
    }

    @Test func customKeys() throws {
        var encoder = JSValueEncoder()
        encoder.keyEncodingStrategy = .custom { path in
            DynamicCodingKey("\(path.count):\(path.last!.stringValue.uppercased())")
        }
        #expect(try encoder.encode(["outer": Person(firstName: "A", birthday: nil)]) == ["outer": ["2:FIRSTNAME": "A"]])
        var decoder = JSValueDecoder()
        decoder.keyDecodingStrategy = .custom { path in DynamicCodingKey(String(path.last!.stringValue.dropFirst())) }
        #expect(try decoder.decode(Person.self, from: ["_firstName": "B"]) == Person(firstName: "B", birthday: nil))
    }
}

// MARK: - Other coders

@Suite("Codable: value types with other coders")
struct CodableOtherCoderTests {
    @Test func valueTypesHaveAJSONForm() throws {
        let raw = Raw(
            bigInt: JSBigInt("123456789012345678901234567890")!, date: JSDate(millisecondsSince1970: 1500),
            bytes: JSBytes(Data([1, 2])), map: [1: "one", "k": ["a": true]],
            error: JSError(name: "TypeError", message: "bad", cause: "why"), regExp: JSRegExp("a/b", flags: "g"),
            value: [1, "x"], object: ["k": nil])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let json = String(decoding: try encoder.encode(raw), as: UTF8.self)
        #expect(
            json
                == #"{"bigInt":"123456789012345678901234567890","bytes":"AQI=","date":1500,"#
                + #""error":{"cause":"why","message":"bad","name":"TypeError"},"map":[[1,"one"],["k",{"a":true}]],"#
                + #""object":{"k":null},"regExp":"\/a\/b\/g","value":[1,"x"]}"#)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        #expect(try decoder.decode(Raw.self, from: Data(json.utf8)) == raw)
    }

    @Test func otherCodersLoseOnlyWhatJSONCannotHold() throws {
        // An invalid date is null, and a typed array's kind becomes Uint8Array.
        let data = try JSONEncoder().encode([JSDate.invalid])
        #expect(try JSONDecoder().decode([JSDate].self, from: data) == [.invalid])
        let int32 = JSBytes([1] as [Int32])
        let bytes = try JSONDecoder().decode([JSBytes].self, from: JSONEncoder().encode([int32]))
        #expect(bytes == [JSBytes(int32.data)])
        #expect(try JSONDecoder().decode([JSBigInt].self, from: Data("[12, \"-3\"]".utf8)) == [12, -3])
    }

    @Test func otherCodersRefuseWhatIsNotTheirForm() throws {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([JSBigInt].self, from: Data(#"["1.5"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([JSRegExp].self, from: Data(#"["a/"]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([JSError].self, from: Data(#"[{}]"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(JSMap.self, from: Data(#"[[1]]"#.utf8)) }
        #expect(try JSONDecoder().decode([JSRegExp].self, from: Data(#"["//"]"#.utf8)) == [JSRegExp("")])
    }
}

// MARK: - Containers

@Suite("Codable: containers")
struct CodableContainerTests {
    /// Decodes what it can of an array, skipping elements of the wrong type.
    struct Lossy: Decodable {
        var numbers: [Int] = []
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            while !container.isAtEnd {
                if let number = try? container.decode(Int.self) {
                    numbers.append(number)
                } else {
                    _ = try container.decode(JSValue.self)
                }
            }
        }
    }

    @Test func aFailedElementCanBeReadAgain() throws {
        #expect(try JSValueDecoder().decode(Lossy.self, from: [1, "x", 2.5, 3]).numbers == [1, 3])
    }

    @Test func codingPathsReachTheType() throws {
        struct Where: Decodable {
            var path: String
            init(from decoder: any Decoder) throws {
                path = decoder.codingPath.map(\.stringValue).joined(separator: "/")
            }
        }
        let value: JSValue = ["a": [["b": .map(["k": nil])]]]
        let decoded = try JSValueDecoder().decode([String: [[String: [String: Where]]]].self, from: value)
        #expect(decoded["a"]?[0]["b"]?["k"]?.path == "a/Index 0/b/values()[0]")
    }

    @Test func superDecodersAndNestedContainers() throws {
        struct Base: Codable, Equatable { var id: Int }
        struct Derived: Codable, Equatable {
            var base: Base
            var extra: [Int]
            enum CodingKeys: String, CodingKey { case extra }
            init(base: Base, extra: [Int]) {
                self.base = base
                self.extra = extra
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                base = try Base(from: container.superDecoder())
                var list = try container.nestedUnkeyedContainer(forKey: .extra)
                extra = []
                while !list.isAtEnd { extra.append(try list.decode(Int.self)) }
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try base.encode(to: container.superEncoder())
                var list = container.nestedUnkeyedContainer(forKey: .extra)
                for value in extra { try list.encode(value) }
            }
        }
        let derived = Derived(base: Base(id: 1), extra: [2, 3])
        let value = try JSValueEncoder().encode(derived)
        #expect(value == ["super": ["id": 1], "extra": [2, 3]])
        #expect(try JSValueDecoder().decode(Derived.self, from: value) == derived)
    }
}

// MARK: - ISO 8601

@Suite("JSDate(iso8601:)")
struct JSDateISO8601Tests {
    @Test(arguments: [
        ("1970-01-01T00:00:00.000Z", 0.0),
        ("1970-01-01T00:00:00Z", 0),
        ("1970-01-01T00:00Z", 0),
        ("1970-01-01", 0),
        ("1970-01-01T00:00:00.1234567Z", 123),
        ("1970-01-01t00:00:01z", 1000),
        ("1970-01-01T01:00:00+01:00", 0),
        ("1969-12-31T19:00:00.000-05:00", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2000-02-29T12:00:00Z", 951_825_600_000),
        ("+275760-09-13T00:00:00.000Z", 8.64e15),
        ("-271821-04-20T00:00:00.000Z", -8.64e15),
        ("-000001-01-01T00:00:00Z", -62_198_755_200_000),
    ])
    func readsDates(_ text: String, _ milliseconds: Double) {
        #expect(JSDate(iso8601: text)?.millisecondsSince1970 == milliseconds)
    }

    @Test(arguments: [
        "", "1970", "1970-01-01T00:00:00", "1970-1-01T00:00:00Z", "1970-13-01T00:00:00Z", "2023-02-29",
        "1970-01-01T24:00:00Z", "1970-01-01T00:60:00Z", "1970-01-01T00:00:60Z", "1970-01-01T00:00:00.Z",
        "1970-01-01T00:00:00+0100", "1970-01-01 00:00:00Z", "-000000-01-01T00:00:00Z",
        "+275760-09-13T00:00:00.001Z", "1970-01-01T00:00:00Zjunk",
    ])
    func refusesOtherText(_ text: String) {
        #expect(JSDate(iso8601: text) == nil)
    }

    @Test func readsWhatDescriptionWrites() {
        for milliseconds in [0, -1, 1_704_067_200_500, -62_198_755_200_001, 8.64e15, -8.64e15] as [Double] {
            let date = JSDate(millisecondsSince1970: milliseconds)
            #expect(JSDate(iso8601: date.description) == date, "\(date)")
        }
    }
}

// MARK: - Helpers

/// A coding key of any name.
private struct DynamicCodingKey: CodingKey {
    var stringValue: String
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    var intValue: Int? { nil }
}

/// Encodes `1` under one key, for comparing key strategies.
private struct KeyedValue: Encodable {
    let key: String
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicCodingKey.self)
        try container.encode(1, forKey: DynamicCodingKey(key))
    }
}

/// The keys a keyed container lists, after the decoder's key strategy.
private struct KeysSeen: Decodable {
    let keys: [String]
    init(from decoder: any Decoder) throws {
        keys = try decoder.container(keyedBy: DynamicCodingKey.self).allKeys.map(\.stringValue)
    }
}

extension JSObject {
    /// The object with `key` set to `value`.
    fileprivate func replacing(_ key: String, with value: JSValue) -> JSObject {
        var copy = self
        copy[key] = value
        return copy
    }
}

extension JSValue {
    /// The elements of two arrays, one after the other.
    fileprivate static func + (lhs: JSValue, rhs: [JSValue]) -> JSValue {
        .array((lhs.arrayValue ?? []) + rhs)
    }
}
