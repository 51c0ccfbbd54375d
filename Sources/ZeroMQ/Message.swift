/// A multipart message: libzmq delivers all of its frames or none.
package struct Message: Sendable, Equatable, CustomStringConvertible {
    package var frames: [Frame]

    package init(_ frames: [Frame]) {
        self.frames = frames
    }

    package init(strings: [String]) {
        frames = strings.map(Frame.init)
    }

    package var description: String {
        "[" + frames.map(\.description).joined(separator: ", ") + "]"
    }
}
