import Foundation
import Testing
@testable import BatonModel

/// The JSON paths of webhook filters and the CIDR ranges of IP-authenticated webhooks.
@Suite struct WebhookFilterTests {
    static let payload = try! JSONDecoder().decode(JSONValue.self, from: Data("""
        {"ref": "refs/heads/main", "size": 3, "forced": false,
         "commits": [{"id": "abc", "author": {"name": "Ada"}}], "repository": {"full_name": "acme/shop"}}
        """.utf8))

    @Test func pathsSelectScalarsAndRefuseWhatIsNotThere() {
        func select(_ path: String) -> String? { JSONPathSelector(path)?.select(in: Self.payload) }
        #expect(select("$.ref") == "refs/heads/main")
        #expect(select("$.commits[0].author.name") == "Ada")
        #expect(select("$.repository.full_name") == "acme/shop")
        #expect(select("$.size") == "3")
        #expect(select("$.forced") == "false")
        #expect(select("$.commits[1].id") == nil)
        #expect(select("$.repository") == nil, "an object is not a value to match")
        #expect(select("$.missing") == nil)
        for invalid in ["ref", "$ref", "$.", "$[x]", "$.a[-1]", ""] { #expect(JSONPathSelector(invalid) == nil, "\(invalid)") }
    }

    @Test func ipRangesContainTheirAddressesOnly() {
        let range = IPRange("10.1.0.0/16")
        #expect(range?.contains("10.1.200.7") == true)
        #expect(range?.contains("10.2.0.1") == false)
        #expect(IPRange("0.0.0.0/0")?.contains("192.168.1.1") == true)
        #expect(IPRange("127.0.0.1/32")?.contains("127.0.0.1") == true)
        #expect(IPRange("127.0.0.1/32")?.contains("127.0.0.2") == false)
        for invalid in ["10.0.0.0", "10.0.0.0/33", "300.0.0.0/8", "10.0.0/8"] { #expect(IPRange(invalid) == nil, "\(invalid)") }
    }
}
