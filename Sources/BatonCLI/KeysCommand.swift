import ArgumentParser
import ZeroMQ

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "CURVE keys for encrypted coordinator–worker connections.",
        subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new CURVE key pair (Z85).")

        func run() async throws {
            let keys = try CurveKeyPair.generate()
            print("public-key: \(keys.publicKey)")
            print("secret-key: \(keys.secretKey)")
        }
    }
}
