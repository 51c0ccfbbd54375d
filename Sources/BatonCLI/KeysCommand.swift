import ArgumentParser
import Foundation
import ZeroMQ

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "CURVE keys for encrypted coordinator–worker connections.",
        subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new CURVE key pair (Z85).")

        @Option(help: ArgumentHelp("Write the secret key to this file (mode 0600) instead of printing it; the public key is printed.", valueName: "file"))
        var secretKeyFile: String?

        func run() async throws {
            let keys = try CurveKeyPair.generate()
            print("public-key: \(keys.publicKey)")
            guard let secretKeyFile else {
                print("secret-key: \(keys.secretKey)")
                return
            }
            let url = URL(fileURLWithPath: secretKeyFile)
            guard FileManager.default.createFile(atPath: url.path, contents: Data((keys.secretKey + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write the secret key to \(secretKeyFile)")
            }
        }
    }
}

/// Reads a Z85 CURVE secret key from a file (surrounding whitespace ignored) and checks it.
func readSecretKey(_ path: String, flag: String) throws -> String {
    let text: String
    do {
        text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
    } catch {
        throw ValidationError("\(flag) \(path): cannot read it (\(error.localizedDescription))")
    }
    let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard (try? CurveKeyPair.publicKey(forSecretKey: key)) != nil else {
        throw ValidationError("\(flag) \(path) does not hold a 40-character Z85 CURVE secret key (make one with `baton keys generate --secret-key-file`)")
    }
    return key
}
