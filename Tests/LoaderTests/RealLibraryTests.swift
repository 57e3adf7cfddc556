import Foundation
import JSRunConvert
import JSRunIsolate
import Testing

@testable import JSRunLoader

/// A real library shipped as ES modules: marked 4.2.3's sources from Debian's `node-marked`
/// (ten modules, relative imports, re-exports), in `Tests/Fixtures/marked`.
@Suite struct RealLibraryTests {
    static let markdown = """
        # JSRun

        ES *modules* from **Debian**:

        - static `import`
        - dynamic `import()`

        | a | b |
        |---|---|
        | 1 | 2 |

        > [V8](https://v8.dev) 10.2

        ```js
        const x = 1 < 2;
        ```

        """

    /// What Node 20 prints for the same input and the same files: `node check.mjs`, with
    /// check.mjs beside marked.js:
    ///
    ///     import { marked, Lexer, parseInline } from './marked.js';
    ///     console.log(JSON.stringify([marked.parse(input), Lexer.lex(input).map(t => t.type),
    ///                                 parseInline('a _b_ & <c>')]));
    static let nodeOutput = #"""
        ["<h1 id=\"jsrun\">JSRun</h1>\n<p>ES <em>modules</em> from <strong>Debian</strong>:</p>\n<ul>\n<li>static <code>import</code></li>\n<li>dynamic <code>import()</code></li>\n</ul>\n<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody><tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody></table>\n<blockquote>\n<p><a href=\"https://v8.dev\">V8</a> 10.2</p>\n</blockquote>\n<pre><code class=\"language-js\">const x = 1 &lt; 2;\n</code></pre>\n",["heading","paragraph","space","list","space","table","blockquote","code"],"a <em>b</em> &amp; <c>"]
        """#

    @Test func markedRendersAsItDoesInNode() async throws {
        let runtime = try Runtime()
        defer { runtime.close() }
        runtime.useFileModules(try FileModuleLoader(root: fixtures.appendingPathComponent("marked").path))
        runtime.addStaticModule(
            "check",
            source: """
                import { marked, Lexer, parseInline } from './marked.js';
                const input = \(try JSValue.string(Self.markdown).jsonText());
                export const output = JSON.stringify([marked.parse(input), Lexer.lex(input).map(t => t.type),
                                                      parseInline('a _b_ & <c>')]);
                """)
        let exports = try await runtime.evalModuleAsync("check")
        #expect(exports["output"]?.stringValue == Self.nodeOutput)
        // Exported functions come as handles. (Not every export converts: `defaults` holds a
        // cycle, which JSValue cannot, so an entry module picks what it gives to Swift.)
        runtime.addStaticModule("api", source: "export { parseInline, Lexer } from './marked.js'")
        let api = try await runtime.evalModuleAsync("api")
        #expect(try api["parseInline"]?.function?.call("*hi*") == "<em>hi</em>")
        #expect(api["Lexer"]?.function != nil)
    }
}

extension JSValue {
    /// The value as JSON text, for a source literal.
    fileprivate func jsonText() throws -> String {
        guard case .string(let text) = self else { return "null" }
        let data = try JSONSerialization.data(withJSONObject: [text])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
