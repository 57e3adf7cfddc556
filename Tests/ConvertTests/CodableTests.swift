import Foundation
import JSRunConvert
import Testing

private struct User: Codable, Equatable {
    var name: String
    var age: Int
    var nickname: String?
    var scores: [Double]
    var address: Address
}

private struct Address: Codable, Equatable {
    var city: String
    var zip: UInt32
}

private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case square(side: Double)
}

/// A type that keeps part of its value untyped.
private struct Envelope: Codable, Equatable {
    var kind: String
    var payload: JSValue
}

@Suite("Codable")
struct CodableTests {
    fileprivate let ada = User(
        name: "Ada", age: 36, nickname: nil, scores: [1, 2.5], address: Address(city: "London", zip: 12345))

    @Test func structsRoundTrip() throws {
        let value = try JSValueEncoder().encode(ada)
        #expect(
            value == [
                "name": "Ada", "age": 36, "scores": [1, 2.5],
                "address": ["city": "London", "zip": 12345],
            ])
        #expect(try JSValueDecoder().decode(User.self, from: value) == ada)
    }

    @Test func encodingKeepsDeclarationOrderAndLeavesOutNil() throws {
        var named = ada
        #expect(try JSValueEncoder().encode(named).objectValue?.keys == ["name", "age", "scores", "address"])
        named.nickname = "Countess"
        #expect(
            try JSValueEncoder().encode(named).objectValue?.keys == ["name", "age", "nickname", "scores", "address"])
        #expect(try JSValueEncoder().encode([1, nil, 3] as [Int?]) == [1, nil, 3])
    }

    @Test func enumsWithPayloadsRoundTrip() throws {
        let shapes: [Shape] = [.circle(radius: 1), .square(side: 2)]
        let value = try JSValueEncoder().encode(shapes)
        #expect(value[0] == ["circle": ["radius": 1]])
        #expect(try JSValueDecoder().decode([Shape].self, from: value) == shapes)
    }

    @Test func nullUndefinedAndMissingDecodeAsNil() throws {
        struct Optionals: Decodable { var a: Int?; var b: Int?; var c: Int? }
        let decoded = try JSValueDecoder().decode(Optionals.self, from: ["a": nil, "b": .undefined])
        #expect(decoded.a == nil && decoded.b == nil && decoded.c == nil)
        #expect(try JSValueDecoder().decode([Int?].self, from: [1, nil, .undefined]) == [1, nil, nil])
    }

    @Test func jsValuesPassThroughUnchanged() throws {
        let envelope = Envelope(kind: "raw", payload: ["u": .undefined, "n": .number(.nan), "list": [.undefined]])
        let value = try JSValueEncoder().encode(envelope)
        #expect(value["payload"]?["u"] == .undefined)
        #expect(try JSValueDecoder().decode(Envelope.self, from: value) == envelope)
        #expect(try JSValueDecoder().decode(JSValue.self, from: .undefined) == .undefined)
        #expect(try JSValueDecoder().decode(JSObject.self, from: ["k": 1]) == ["k": 1])
    }

    @Test func dictionariesBecomeObjects() throws {
        let value = try JSValueEncoder().encode(["one": 1])
        #expect(value == ["one": 1])
        #expect(try JSValueDecoder().decode([String: Int].self, from: ["x": 1, "y": 2]) == ["x": 1, "y": 2])
    }

    @Test func integersMustBeIntegralAndInRange() throws {
        #expect(try JSValueDecoder().decode(Int8.self, from: 127) == 127)
        #expect(try JSValueDecoder().decode(Int.self, from: .number(-0.0)) == 0)
        let fraction = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Int.self, from: 3.5) }
        #expect(String(describing: fraction).contains("3.5 is not an integer"))
        let large = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(UInt8.self, from: 300) }
        #expect(String(describing: large).contains("300 is out of the range of UInt8"))
        #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Int.self, from: .number(.nan)) }
        #expect(throws: DecodingError.self) { try JSValueDecoder().decode(UInt.self, from: -1) }
        #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Float.self, from: 1e300) }
        #expect(try JSValueDecoder().decode(Float.self, from: .number(.infinity)) == .infinity)
    }

    @Test func integersThatWouldRoundAreRefused() throws {
        #expect(try JSValueEncoder().encode(Int64(1) << 53) == .number(9_007_199_254_740_992))
        let error = #expect(throws: EncodingError.self) { try JSValueEncoder().encode(["big": Int64.max]) }
        #expect(String(describing: error).contains("$.big: 9223372036854775807 would be rounded"))
    }

    @Test func typeMismatchNamesThePath() throws {
        let value: JSValue = [
            "name": "Ada", "age": "36", "scores": [], "address": ["city": "London", "zip": 1],
        ]
        let error = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(User.self, from: value) }
        guard case .typeMismatch(_, let context) = error else {
            Issue.record("expected a type mismatch, got \(String(describing: error))")
            return
        }
        #expect(context.codingPath.map(\.stringValue) == ["age"])
        #expect(context.debugDescription == "$.age: expected a number for Int, found string")
    }

    @Test func nestedErrorsNameIndicesAndKeys() throws {
        let value: JSValue = ["users": [["zip": 1, "city": "A"], ["zip": "x", "city": "B"]]]
        struct Users: Decodable { var users: [Address] }
        let error = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Users.self, from: value) }
        #expect(String(describing: error).contains("$.users[1].zip: expected a number for UInt32, found string"))
    }

    @Test func missingKeysAndNullsAreReported() throws {
        struct Needs: Decodable { var must: String }
        let missing = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Needs.self, from: [:]) }
        #expect(String(describing: missing).contains("$.must is missing"))
        let null = #expect(throws: DecodingError.self) { try JSValueDecoder().decode(Needs.self, from: ["must": nil]) }
        #expect(String(describing: null).contains("$.must is null, not String"))
        let array = #expect(throws: DecodingError.self) { try JSValueDecoder().decode([String].self, from: "x") }
        #expect(String(describing: array).contains("$: expected an array"))
    }

    @Test func userInfoReachesTheType() throws {
        struct Reads: Decodable {
            var seen: String
            init(from decoder: any Decoder) throws {
                seen = decoder.userInfo[CodingUserInfoKey(rawValue: "tenant")!] as? String ?? "none"
            }
        }
        var decoder = JSValueDecoder()
        decoder.userInfo[CodingUserInfoKey(rawValue: "tenant")!] = "acme"
        #expect(try decoder.decode(Reads.self, from: nil).seen == "acme")
    }

    @Test func jsValueWorksWithJSONCoders() throws {
        let value: JSValue = ["a": [1, "two", true, nil], "b": ["c": 2.5]]
        let json = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSValue.self, from: json)["a"] == [1, "two", true, nil])
        #expect(try JSONDecoder().decode(JSValue.self, from: json)["b"]?["c"] == 2.5)
        #expect(String(decoding: try JSONEncoder().encode(JSValue.undefined), as: UTF8.self) == "null")
    }

    @Test func encodingNothingIsAnError() throws {
        struct Empty: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(throws: EncodingError.self) { try JSValueEncoder().encode(Empty()) }
    }
}
