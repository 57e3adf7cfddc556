import JSRunConvert
import Testing

@Suite("JSValue")
struct JSValueTests {
    @Test func undefinedAndNullAreDistinct() {
        #expect(JSValue.undefined != JSValue.null)
        #expect(JSValue.undefined.isNullish && JSValue.null.isNullish)
        #expect(JSValue.undefined.isUndefined && !JSValue.null.isUndefined)
    }

    @Test func equalityIsSameValueZero() {
        #expect(JSValue.number(.nan) == .number(.nan))
        #expect(JSValue.number(0) == .number(-0.0))
        #expect(Set<JSValue>([.number(.nan), .number(.nan), .number(0), .number(-0.0)]).count == 2)
        #expect(JSValue.number(1) != .string("1"))
    }

    @Test func literalsBuildValues() {
        let value: JSValue = ["name": "Ada", "tags": ["math", 1, 2.5, true, nil]]
        #expect(value["name"] == .string("Ada"))
        #expect(value["tags"]?[1] == .number(1))
        #expect(value["tags"]?[4] == .null)
        #expect(value["tags"]?[5] == nil)
        #expect(value["missing"] == nil)
        #expect(value.kindName == "object")
    }

    @Test func accessorsReturnNilForOtherKinds() {
        let number: JSValue = 3.5
        #expect(number.numberValue == 3.5)
        #expect(number.intValue == nil)
        #expect(JSValue.number(42).intValue == 42)
        #expect(JSValue.number(1e300).intValue == nil)
        #expect(number.stringValue == nil && number.boolValue == nil && number.arrayValue == nil)
        #expect(number["key"] == nil && number[0] == nil)
    }

    @Test func objectsKeepInsertionOrder() {
        var object: JSObject = ["b": 1, "a": 2]
        object["c"] = 3
        object["b"] = 4
        #expect(object.keys == ["b", "a", "c"])
        #expect(object.values == [4, 2, 3])
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(JSObject([("x", 1), ("y", 2), ("x", 3)]).keys == ["x", "y"])
        #expect(JSObject([("x", 1), ("y", 2), ("x", 3)])["x"] == 3)
    }

    @Test func objectEqualityDependsOnOrder() {
        let ab: JSValue = ["a": 1, "b": 2]
        let ba: JSValue = ["b": 2, "a": 1]
        #expect(ab != ba)
        #expect(ab == ["a": 1, "b": 2])
    }
}
