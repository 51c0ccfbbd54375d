import BatonModel
import Foundation

/// An `S3` source action with `PollForSourceChanges` (CodePipeline's default for S3), watched in
/// the folder that stands in for its bucket: a new or changed object starts the pipeline.
struct ObjectWatch: Sendable, Hashable {
    var pipeline: String
    var action: String
    var bucket: String
    var key: String

    static func watches(of pipelines: [PipelineDeclaration]) -> [ObjectWatch] {
        pipelines.flatMap { pipeline in
            (pipeline.stages.first?.actions ?? []).compactMap { action -> ObjectWatch? in
                let configuration = action.configuration ?? [:]
                guard action.actionTypeId == ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1"),
                      configuration["PollForSourceChanges"]?.lowercased() != "false",
                      let bucket = configuration["S3Bucket"], let key = configuration["S3ObjectKey"],
                      !bucket.contains("/"), bucket != "..", !key.split(separator: "/").contains("..")
                else { return nil }
                return ObjectWatch(pipeline: pipeline.name, action: action.name, bucket: bucket, key: key)
            }
        }
    }

    /// What identifies the object's current version without reading it: size, modification
    /// time and inode (a replaced object is a new file). Nil when there is no object.
    static func version(of file: URL) -> String? {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return nil }
        return "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_ino)"
    }
}
