import JSRunConvert
import Testing

/// Expected texts are what Node 20's `util.inspect` prints for the same values.
@Suite("Description")
struct DescriptionTests {
    @Test(
        arguments: [(Double, String)]([
            (1.0, "1"), (-1.5, "-1.5"), (0.1, "0.1"), (-0.0, "-0"), (0.0, "0"),
            (1e21, "1e+21"), (1e20, "100000000000000000000"), (123456789012.0, "123456789012"),
            (0.000001, "0.000001"), (1e-7, "1e-7"), (1.5e-10, "1.5e-10"), (2.5e300, "2.5e+300"),
            (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (Double.nan, "NaN"), (Double.infinity, "Infinity"), (-Double.infinity, "-Infinity"),
            (0.30000000000000004, "0.30000000000000004"), (9_007_199_254_740_992 + 2, "9007199254740994"),
        ]))
    func numbersPrintAsJavaScriptDoes(number: Double, text: String) {
        #expect(JSValue.number(number).description == text)
    }

    @Test func stringsAreQuotedAndEscaped() {
        #expect(JSValue.string("abc").description == "'abc'")
        #expect(JSValue.string("it's").description == "\"it's\"")
        #expect(JSValue.string("'\"").description == "`'\"`")
        #expect(JSValue.string("a\nb\t\\").description == "'a\\nb\\t\\\\'")
        #expect(JSValue.string("\u{1B}").description == "'\\x1B'")
        #expect(JSValue.string("héllo 👋").description == "'héllo 👋'")
    }

    @Test func containersPrintOnOneLine() {
        #expect(JSValue.array([2, 4, 6]).description == "[ 2, 4, 6 ]")
        #expect(JSValue.array([]).description == "[]")
        #expect(JSValue.object([:]).description == "{}")
        let value: JSValue = ["a": 1, "b-c": ["x"], "nested": ["ok": true, "no": nil, "u": .undefined]]
        #expect(value.description == "{ a: 1, 'b-c': [ 'x' ], nested: { ok: true, no: null, u: undefined } }")
    }

    @Test func displayStringIsRawForStrings() {
        #expect(JSValue.string("plain").displayString == "plain")
        #expect(JSValue.array(["a"]).displayString == "[ 'a' ]")
        #expect(JSValue.null.displayString == "null")
    }
}
