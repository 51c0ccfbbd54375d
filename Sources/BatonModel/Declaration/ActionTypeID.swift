/// `actionTypeId`: which kind of action this is, and so which workers can run it.
package struct ActionTypeID: Sendable, Hashable, Codable, CustomStringConvertible {
    package var category: String
    package var owner: String
    package var provider: String
    package var version: String

    package init(category: String, owner: String, provider: String, version: String) {
        self.category = category
        self.owner = owner
        self.provider = provider
        self.version = version
    }

    package var description: String { "\(category)/\(owner)/\(provider)/\(version)" }

    /// Whether running a job of this type twice does no harm: sources, builds, tests and compute
    /// read inputs and write outputs that only an accepted result publishes. Such a job runs
    /// again when its worker is lost, and a worker starts it without waiting for ACKED. Deploys
    /// and invokes act on the world outside and may have partly happened; they are neither.
    package var isSafeToRepeat: Bool { category != "Deploy" && category != "Invoke" }

    /// CodePipeline's Compute `Commands` action.
    package static let commands = ActionTypeID(category: "Compute", owner: "AWS", provider: "Commands", version: "1")

    /// CodePipeline's Invoke `Lambda` action, which also runs LambdaInvoke condition rules.
    package static let lambdaInvoke = ActionTypeID(category: "Invoke", owner: "AWS", provider: "Lambda", version: "1")
}
