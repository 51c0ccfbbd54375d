import Foundation
@testable import BatonModel

enum Fixtures {
    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/pipelines/\(name)", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
        }
        return url
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: try url(name))
    }

    static func declaration(_ name: String) throws -> PipelineDeclaration {
        try PipelineDocument.decode(try data(name), format: PipelineDocument.Format(path: name))
    }

    static let valid = ["valid/five-stage.json", "valid/monorepo-api.json", "valid/cross-stage-variables.json", "valid/conditions-rollback.json", "valid/legacy-v1.json"]
}
