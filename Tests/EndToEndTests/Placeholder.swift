import XCTest

@testable import Kontinuitet

final class EndToEndPlaceholderTests: XCTestCase {
    func testVersionIsSemantic() {
        XCTAssertEqual(Kontinuitet.version.split(separator: ".").count, 3)
    }
}
