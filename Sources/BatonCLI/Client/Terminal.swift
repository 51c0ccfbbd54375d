import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Colour and screen control, only when standard output is a terminal and NO_COLOR is unset.
struct Terminal {
    let isInteractive: Bool

    static let standardOutput = Terminal(isInteractive: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)

    /// A status word in its colour: green done, red failed, yellow running, grey the rest.
    func status(_ text: String) -> String {
        guard isInteractive else { return text }
        let code = switch text {
        case "Succeeded": "32"
        case "Failed", "Cancelled", "Abandoned": "31"
        case "InProgress", "Stopping": "33"
        default: "90"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    func bold(_ text: String) -> String {
        isInteractive ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    /// Clears the screen before a redraw (a live view); nothing when not a terminal.
    func clear() {
        if isInteractive { print("\u{1B}[H\u{1B}[2J", terminator: "") }
    }
}

/// Columns padded to their widest cell; ANSI colour codes do not count towards width.
func table(_ rows: [[String]]) -> String {
    func width(_ text: String) -> Int {
        var count = 0
        var inEscape = false
        for character in text {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape { if character == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }
    let columns = rows.map(\.count).max() ?? 0
    var widths = Array(repeating: 0, count: columns)
    for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], width(cell)) } }
    return rows.map { row in
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - width(cell))
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}

/// `1.2s`, `3m04s`, `1h02m`.
func duration(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1fs", max(0, seconds)) }
    let whole = Int(seconds)
    if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
    return String(format: "%dh%02dm", whole / 3600, (whole % 3600) / 60)
}
