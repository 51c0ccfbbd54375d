import BatonModel

/// A stored pipeline: its current declaration and when it was created and last changed.
package struct PipelineRecord: Sendable, Hashable {
    package var declaration: PipelineDeclaration
    package var created: Timestamp
    package var updated: Timestamp

    package init(declaration: PipelineDeclaration, created: Timestamp, updated: Timestamp) {
        self.declaration = declaration
        self.created = created
        self.updated = updated
    }

    package var name: String { declaration.name }
    package var version: Int { declaration.version ?? 1 }
}
