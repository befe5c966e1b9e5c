import XCTest

@testable import Kontinuitet

final class VersionTests: XCTestCase {
    func testVersionIsSemantic() {
        XCTAssertEqual(Kontinuitet.version.split(separator: ".").count, 3)
    }
}
