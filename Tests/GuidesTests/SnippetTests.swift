import Foundation
import JSRunTestSupport
import Testing

/// The guides in `docs/guides` show only code that is compiled: every ```swift block is a
/// snippet of `Examples/Guides` (the `JSRunGuides` target), copied exactly, or a Package.swift
/// marked `<!-- manifest -->`, which `swift package dump-package` compiles here.
///
/// In a guide:
///
///     <!-- snippet: Values.swift decoding -->
///     ```swift
///     ...the region's lines, their common indentation removed...
///     ```
///
/// In `Examples/Guides/Values.swift`, inside a function that runs it and that the other tests
/// of this target call:
///
///     // snippet: decoding
///     ...
///     // end snippet
@Suite struct SnippetTests {
    @Test func everySwiftBlockIsASnippetCopiedExactly() throws {
        let snippets = try Snippets.load()
        for guide in try Guide.all() {
            for block in guide.blocks where block.isSwift {
                switch block.marker {
                case .snippet(let file, let name):
                    guard let region = snippets.regions[file]?[name] else {
                        Issue.record("\(guide.name):\(block.line): no snippet '\(name)' in Examples/Guides/\(file)")
                        continue
                    }
                    if block.lines != region.lines {
                        Issue.record(
                            """
                            \(guide.name):\(block.line): the block differs from \(file)'s snippet '\(name)' \
                            (line \(region.line)); it should read:
                            \(region.lines.joined(separator: "\n"))
                            """)
                    }
                case .manifest:
                    break  // compiled by manifestBlocksCompile
                case nil:
                    Issue.record(
                        """
                        \(guide.name):\(block.line): a swift block without <!-- snippet: File.swift NAME --> \
                        or <!-- manifest --> before it
                        """)
                }
            }
            for marker in guide.strayMarkers {
                Issue.record("\(guide.name):\(marker): a snippet marker that no swift block follows")
            }
        }
        for problem in snippets.problems { Issue.record(Comment(rawValue: problem)) }
    }

    @Test func everySnippetIsShownInAGuide() throws {
        let snippets = try Snippets.load()
        var shown = Set<String>()
        for guide in try Guide.all() {
            for block in guide.blocks {
                if case .snippet(let file, let name) = block.marker { shown.insert("\(file) \(name)") }
            }
        }
        for (file, regions) in snippets.regions {
            for (name, region) in regions where !shown.contains("\(file) \(name)") {
                Issue.record("Examples/Guides/\(file):\(region.line): snippet '\(name)' is in no guide")
            }
        }
    }

    /// A `<!-- manifest -->` block is a whole Package.swift: it is compiled in a package of its
    /// own, and the products it names are this repository's.
    @Test func manifestBlocksCompile() throws {
        let products = try Self.libraryProducts()
        var count = 0
        for guide in try Guide.all() {
            for block in guide.blocks where block.isSwift && block.marker == .manifest {
                count += 1
                // A path of its own per checkout, always the same: SwiftPM leaves a lock file in the
                // temporary directory for each package path it has seen.
                let checkout = repositoryRoot.path.replacingOccurrences(of: "/", with: "_")
                let directory = FileManager.default.temporaryDirectory
                    .appendingPathComponent("jsrun-guides-manifest\(checkout)/MyApp")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
                let source = block.lines.joined(separator: "\n") + "\n"
                try source.write(
                    to: directory.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
                let output = try runProcess(
                    URL(fileURLWithPath: "/usr/bin/env"),
                    ["swift", "package", "--package-path", directory.path, "dump-package"])
                #expect(output.status == 0, "\(guide.name):\(block.line): the manifest does not compile: \(output)")
                #expect(source.contains(#".package(path: "../jsrun")"#), "\(guide.name):\(block.line)")
                for product in Self.matches(of: #"\.product\(name: "([^"]+)", package: "jsrun"\)"#, in: source) {
                    #expect(products.contains(product), "\(guide.name):\(block.line): no product \(product)")
                }
            }
        }
        #expect(count > 0, "Getting started shows a manifest")
    }

    @Test func theIndexListsEveryGuideAndEveryLinkLeadsToAFile() throws {
        let guides = try Guide.all()
        let index = try String(contentsOf: Guide.directory.appendingPathComponent("README.md"), encoding: .utf8)
        for guide in guides where guide.name != "README.md" {
            #expect(index.contains("](\(guide.name))"), "docs/guides/README.md does not link \(guide.name)")
        }
        for guide in guides {
            for link in Self.matches(of: #"\]\(([^)#:]+)(#[^)]*)?\)"#, in: guide.prose) {
                let target = Guide.directory.appendingPathComponent(link).standardizedFileURL
                #expect(
                    FileManager.default.fileExists(atPath: target.path),
                    "\(guide.name): the link \(link) leads to no file")
            }
        }
    }

    /// The names of the library products in the repository's Package.swift.
    static func libraryProducts() throws -> Set<String> {
        let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        return Set(matches(of: #"\.library\(name: "([^"]+)""#, in: manifest))
    }

    /// The first capture group of each match of `pattern`.
    static func matches(of pattern: String, in text: String) -> [String] {
        let expression = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}

/// The repository's root, three levels above this file (`Tests/GuidesTests/SnippetTests.swift`).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The snippet regions of `Examples/Guides`, by file and name.
struct Snippets {
    struct Region {
        /// The region's lines, without their common indentation.
        var lines: [String]
        /// The line of its `// snippet:` marker, counting from 1.
        var line: Int
    }

    var regions: [String: [String: Region]] = [:]
    /// Malformed markers: a region not ended, an end without a start, a name used twice.
    var problems: [String] = []

    static let directory = repositoryRoot.appendingPathComponent("Examples/Guides")

    static func load() throws -> Snippets {
        var snippets = Snippets()
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".swift")
        }
        for file in files.sorted() {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            snippets.read(text, of: file)
        }
        return snippets
    }

    private mutating func read(_ text: String, of file: String) {
        var open: (name: String, line: Int, lines: [String])?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// snippet: ") {
                let name = String(trimmed.dropFirst("// snippet: ".count))
                if let open { problems.append("\(file):\(index + 1): snippet '\(name)' starts inside '\(open.name)'") }
                if regions[file]?[name] != nil { problems.append("\(file):\(index + 1): a second snippet '\(name)'") }
                open = (name, index + 1, [])
            } else if trimmed == "// end snippet" {
                guard let region = open else {
                    problems.append("\(file):\(index + 1): an end without a snippet")
                    continue
                }
                regions[file, default: [:]][region.name] = Region(lines: Self.dedented(region.lines), line: region.line)
                open = nil
            } else if open != nil {
                open!.lines.append(String(line))
            }
        }
        if let open { problems.append("\(file):\(open.line): snippet '\(open.name)' has no end") }
    }

    /// `lines` without the indentation they all share; blank lines become empty.
    static func dedented(_ lines: [String]) -> [String] {
        let indents = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix(while: { $0 == " " }).count }
        let common = indents.min() ?? 0
        return lines.map { $0.allSatisfy(\.isWhitespace) ? "" : String($0.dropFirst(common)) }
    }
}

/// A Markdown page of `docs/guides` and its fenced code blocks.
struct Guide {
    enum Marker: Equatable {
        case snippet(file: String, name: String)
        case manifest
    }

    struct Block {
        /// The fence's info string: `swift`, `sh`, ...
        var language: String
        var lines: [String]
        /// The line of the opening fence, counting from 1.
        var line: Int
        /// The marker on the last non-blank line before the fence.
        var marker: Marker?

        var isSwift: Bool { language.lowercased().split(separator: " ").first == "swift" }
    }

    var name: String
    var text: String
    /// The text outside code blocks, without its inline code spans: where links are.
    var prose = ""
    var blocks: [Block] = []
    /// Lines of markers that no swift block follows.
    var strayMarkers: [Int] = []

    static let directory = repositoryRoot.appendingPathComponent("docs/guides")

    static func all() throws -> [Guide] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".md") }
        return try names.sorted().map { name in
            try Guide(name: name, text: String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }

    init(name: String, text: String) {
        self.name = name
        self.text = text
        var pendingMarker: (marker: Marker, line: Int)?
        var open: (fence: String, indent: Int, block: Block)?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix(while: { $0 == " " }).count
            let trimmed = line.dropFirst(indent)
            if var current = open {
                if trimmed.hasPrefix(current.fence) && trimmed.allSatisfy({ $0 == current.fence.first }) {
                    blocks.append(current.block)
                    open = nil
                } else {
                    current.block.lines.append(String(line.dropFirst(min(indent, current.indent))))
                    open = current
                }
                continue
            }
            if !trimmed.hasPrefix("```") && !trimmed.hasPrefix("~~~") {
                prose +=
                    line.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                    .filter { $0.offset.isMultiple(of: 2) }.map(\.element).joined() + "\n"
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let fence = String(trimmed.prefix(while: { $0 == trimmed.first }))
                let language = trimmed.dropFirst(fence.count).trimmingCharacters(in: .whitespaces)
                var block = Block(language: language, lines: [], line: index + 1)
                if let marker = pendingMarker {
                    if block.isSwift { block.marker = marker.marker } else { strayMarkers.append(marker.line) }
                }
                pendingMarker = nil
                open = (fence, indent, block)
            } else if let marker = Self.marker(in: String(trimmed)) {
                if let earlier = pendingMarker { strayMarkers.append(earlier.line) }
                pendingMarker = (marker, index + 1)
            } else if !trimmed.allSatisfy(\.isWhitespace), let marker = pendingMarker {
                strayMarkers.append(marker.line)
                pendingMarker = nil
            }
        }
        if let marker = pendingMarker { strayMarkers.append(marker.line) }
    }

    /// `<!-- snippet: File.swift NAME -->` or `<!-- manifest -->`.
    static func marker(in line: String) -> Marker? {
        if line == "<!-- manifest -->" { return .manifest }
        guard line.hasPrefix("<!-- snippet: "), line.hasSuffix(" -->") else { return nil }
        let parts = line.dropFirst("<!-- snippet: ".count).dropLast(" -->".count).split(separator: " ")
        guard parts.count == 2 else { return nil }
        return .snippet(file: String(parts[0]), name: String(parts[1]))
    }
}
