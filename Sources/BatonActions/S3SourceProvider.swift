import BatonModel
import BatonWorker
import Foundation

/// CodePipeline's `S3` source over a local folder that stands in for the bucket: `S3Bucket` names
/// a folder under the worker's bucket root, `S3ObjectKey` a zip file in it. The object's bytes
/// become the output artifact unchanged.
package struct S3SourceProvider: ActionProvider {
    package let bucketRoot: URL
    package let actionTypes = [ActionTypeID(category: "Source", owner: "AWS", provider: "S3", version: "1")]

    package init(bucketRoot: URL) {
        self.bucketRoot = bucketRoot
    }

    package func run(_ job: JobContext) async throws -> ActionResult {
        let configuration = job.data.actionConfiguration.configuration
        guard let bucket = configuration["S3Bucket"], let key = configuration["S3ObjectKey"] else {
            return .failed(FailureDetails(type: .configurationError, message: "The S3 source action needs S3Bucket and S3ObjectKey"))
        }
        guard !bucket.contains("/"), bucket != "..", bucket != ".", !key.split(separator: "/").contains("..") else {
            return .failed(FailureDetails(type: .configurationError, message: "S3Bucket '\(bucket)' or S3ObjectKey '\(key)' is not a valid bucket name or key"))
        }
        let object = bucketRoot.appendingPathComponent(bucket).appendingPathComponent(key)
        guard FileManager.default.fileExists(atPath: object.path) else {
            return .failed(FailureDetails(
                type: .revisionUnavailable,
                message: "The object \(key) does not exist in bucket \(bucket) (folder \(bucketRoot.appendingPathComponent(bucket).path))"))
        }
        guard let output = job.data.outputArtifacts.first else {
            return .failed(FailureDetails(type: .configurationError, message: "The S3 source action needs one output artifact"))
        }
        let (digest, size) = try await runBlocking { try fileDigest(object) }
        job.log("Fetched s3://\(bucket)/\(key) (\(size) bytes, sha256 \(digest.hex))\n")
        return .succeeded(ActionProducts(
            artifacts: [output.name: object],
            variables: ["ObjectKey": key, "ETag": digest.hex],
            summary: "s3://\(bucket)/\(key)", revision: digest.hex))
    }
}
