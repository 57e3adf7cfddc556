import Foundation
import Testing

/// `jsrun` running ES modules: Tests/Fixtures/modules-app is a small multi-file program.
@Suite struct ModuleCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let app = fixtures.appendingPathComponent("modules-app/main.mjs").path

    /// What Node 20 prints for `node main.mjs` in that folder.
    static let appOutput = """
        Hello, Modules!
        areas: 9 3.14
        even/odd through a cycle: true false
        3 items, sorted: 1, 2, 3
        meta: true true
        DONE AFTER A TIMER!

        """

    @Test func anMjsFileRunsAsAModuleProgram() throws {
        let run = try JSRunProcess.run(["--console", Self.app])
        #expect(run.stderr == "")
        #expect(run.status == 0)
        #expect(run.stdout == Self.appOutput)
    }

    @Test func aModulePrintsNothingItself() throws {
        let run = try JSRunProcess.run([Self.app])
        #expect(run.status == 0)
        #expect(run.stdout == "")
    }

    /// A folder with a `.js` module, removed afterwards.
    private func withFolder(_ files: [String: String], _ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jsrun-cli-modules-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, source) in files {
            let file = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: file, atomically: true, encoding: .utf8)
        }
        try body(folder)
    }

    @Test func moduleMakesAJsFileAModule() throws {
        try withFolder([
            "app/main.js": "import { two } from './two.js'; console.log('two is', two)",
            "app/two.js": "export const two = 2",
        ]) { folder in
            let main = folder.appendingPathComponent("app/main.js").path
            let script = try JSRunProcess.run(["--console", main])
            #expect(script.status == 1)
            #expect(script.stderr.contains("Cannot use import statement outside a module"))
            let module = try JSRunProcess.run(["--console", "--module", main])
            #expect(module.stderr == "")
            #expect(module.stdout == "two is 2\n")
        }
    }

    @Test func codeRunsAsAModuleWithModule() throws {
        let run = try JSRunProcess.run([
            "--console", "--module", "--module-root", Self.fixtures.appendingPathComponent("modules-app/lib").path,
            "-c",
            "import { shout } from './text.js'; console.log(shout(await Promise.resolve('top-level await')))",
        ])
        #expect(run.stderr == "")
        #expect(run.stdout == "TOP-LEVEL AWAIT!\n")
    }

    @Test func importsOutsideTheRootAreRefusedUnlessTheRootIsWider() throws {
        try withFolder([
            "app/main.mjs": "import { shared } from '../shared/util.js'; console.log(shared)",
            "shared/util.js": "export const shared = 'shared code'",
        ]) { folder in
            let main = folder.appendingPathComponent("app/main.mjs").path
            let refused = try JSRunProcess.run(["--console", main])
            #expect(refused.status == 1)
            #expect(refused.stderr.hasPrefix("jsrun: cannot resolve module '../shared/util.js' imported by 'file://"))
            #expect(refused.stderr.contains("outside the module root"))
            let wider = try JSRunProcess.run(["--console", "--module-root", folder.path, main])
            #expect(wider.stderr == "")
            #expect(wider.stdout == "shared code\n")
        }
    }

    @Test func moduleErrorsAreReportedClearly() throws {
        try withFolder([
            "missing.mjs": "import './nowhere.js'",
            "broken.mjs": "import { f } from './broken-lib.js'",
            "broken-lib.js": "export const f = ;",
            "throws.mjs": "throw new RangeError('module boom')",
        ]) { folder in
            let missing = try JSRunProcess.run([folder.appendingPathComponent("missing.mjs").path])
            #expect(missing.status == 1)
            #expect(missing.stderr.hasPrefix("jsrun: cannot load module './nowhere.js'"))
            #expect(missing.stderr.contains("no module file at"))
            let broken = try JSRunProcess.run([folder.appendingPathComponent("broken.mjs").path])
            #expect(broken.status == 1)
            #expect(broken.stderr.contains("does not parse: SyntaxError: Unexpected token ';' (line 1, column 18)"))
            let throwing = try JSRunProcess.run([folder.appendingPathComponent("throws.mjs").path])
            #expect(throwing.status == 1)
            #expect(throwing.stderr.hasPrefix("Uncaught RangeError: module boom\n    at file://"))
        }
    }

    @Test func aMissingModuleFileIsTheUsualError() throws {
        let run = try JSRunProcess.run(["/no/such/main.mjs"])
        #expect(run.status == 1)
        #expect(run.stderr == "jsrun: cannot read '/no/such/main.mjs': no such file, or not readable\n")
    }
}
