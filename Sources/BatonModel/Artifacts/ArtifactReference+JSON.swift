import BatonJSON

// An artifact reference written and read by hand with sorted keys, as SUCCESS carries it (see
// ResultJSON.swift in BatonProtocol).

extension ArtifactReference {
    package func writeSorted(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("digest", digest.hex)
        writer.member("name", name)
        writer.member("revision", revision)
        writer.member("size", size)
        writer.endObject()
    }

    package init?(reading reader: JSONReader, at object: Int) {
        var name: String?, digest: ArtifactDigest?, size: Int64?, revision: String??
        let complete = reader.forEachMember(of: object) { key, value in
            if reader.key(key, is: "name") {
                if name == nil { name = reader.string(value); return name != nil }
            } else if reader.key(key, is: "digest") {
                if digest == nil { digest = reader.string(value).flatMap(ArtifactDigest.init(hex:)); return digest != nil }
            } else if reader.key(key, is: "size") {
                if size == nil { size = reader.integer(value); return size != nil }
            } else if reader.key(key, is: "revision") {
                return reader.optional(value, into: &revision) { reader.string($0) }
            }
            return true
        }
        guard complete, let name, let digest, let size else { return nil }
        self.init(name: name, digest: digest, size: size, revision: revision ?? nil)
    }
}
