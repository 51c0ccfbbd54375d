import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Test counts from JUnit XML files, as CodeBuild's report groups show them.
struct JUnitReport: Equatable {
    var passed = 0
    var failed = 0
    var skipped = 0
    var total: Int { passed + failed + skipped }

    struct Unreadable: Error, CustomStringConvertible {
        let description: String
    }

    /// Counts the `<testcase>`s of one file: failed with a `<failure>` or `<error>`, skipped with
    /// a `<skipped>`, passed otherwise.
    static func read(_ file: URL) throws(Unreadable) -> JUnitReport {
        guard let parser = XMLParser(contentsOf: file) else { throw Unreadable(description: "cannot read report file \(file.path)") }
        let counter = Counter()
        parser.delegate = counter
        guard parser.parse() else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw Unreadable(description: "report file \(file.lastPathComponent) is not valid JUnit XML (line \(parser.lineNumber)): \(reason)")
        }
        return counter.report
    }

    static func + (lhs: JUnitReport, rhs: JUnitReport) -> JUnitReport {
        JUnitReport(passed: lhs.passed + rhs.passed, failed: lhs.failed + rhs.failed, skipped: lhs.skipped + rhs.skipped)
    }

    private final class Counter: NSObject, XMLParserDelegate {
        var report = JUnitReport()
        private var inCase = false
        private var outcome = 0  // 0 passed, 1 failed, 2 skipped

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "testcase":
                inCase = true
                outcome = 0
            case "failure" where inCase, "error" where inCase:
                outcome = 1
            case "skipped" where inCase && outcome == 0:
                outcome = 2
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard name == "testcase", inCase else { return }
            inCase = false
            switch outcome {
            case 1: report.failed += 1
            case 2: report.skipped += 1
            default: report.passed += 1
            }
        }
    }
}
