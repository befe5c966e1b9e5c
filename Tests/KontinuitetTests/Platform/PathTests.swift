import XCTest

@testable import Kontinuitet

/// `Path`: the pure functions that replaced `NSString`'s path methods, on every form `--out` takes.
final class PathTests: XCTestCase {
    func testNormalizedRemovesOnlyWhatCannotChangeTheMeaning() {
        XCTAssertEqual(Path.normalized("."), ".")
        XCTAssertEqual(Path.normalized("./"), ".")
        XCTAssertEqual(Path.normalized(""), ".")
        XCTAssertEqual(Path.normalized("m"), "m")
        XCTAssertEqual(Path.normalized("./m"), "m")
        XCTAssertEqual(Path.normalized("a/b/"), "a/b")
        XCTAssertEqual(Path.normalized("a//b"), "a/b")
        XCTAssertEqual(Path.normalized("a/./b/."), "a/b")
        XCTAssertEqual(Path.normalized("/abs/x/"), "/abs/x")
        XCTAssertEqual(Path.normalized("/"), "/")
        XCTAssertEqual(Path.normalized("//"), "/")
        // `..` is kept: `a` may be a symbolic link, so `a/..` need not be `.`.
        XCTAssertEqual(Path.normalized(".."), "..")
        XCTAssertEqual(Path.normalized("../"), "..")
        XCTAssertEqual(Path.normalized("a/../b"), "a/../b")
    }

    func testJoin() {
        XCTAssertEqual(Path.join("out", "users.csv"), "out/users.csv")
        XCTAssertEqual(Path.join("out/", "forms/a.csv"), "out/forms/a.csv")
        XCTAssertEqual(Path.join(".", "key.csv"), "./key.csv")
        XCTAssertEqual(Path.join("..", "key.csv"), "../key.csv")
        XCTAssertEqual(Path.join("/", "tmp"), "/tmp")
        XCTAssertEqual(Path.join("/abs/x", "a"), "/abs/x/a")
        XCTAssertEqual(Path.join("", "a"), "a")
        XCTAssertEqual(Path.join("a", ""), "a")
        XCTAssertEqual(Path.join("a", "/etc/passwd"), "/etc/passwd")
    }

    func testParent() {
        XCTAssertEqual(Path.parent("m"), ".")
        XCTAssertEqual(Path.parent("a/b/"), "a")
        XCTAssertEqual(Path.parent("a//b"), "a")
        XCTAssertEqual(Path.parent("/abs/x/"), "/abs")
        XCTAssertEqual(Path.parent("/x"), "/")
        XCTAssertEqual(Path.parent("/"), "/")
        XCTAssertEqual(Path.parent("."), "..")
        XCTAssertEqual(Path.parent("./"), "..")
        XCTAssertEqual(Path.parent(".."), "../..")
        XCTAssertEqual(Path.parent("../x"), "..")
    }

    func testLastComponent() {
        XCTAssertEqual(Path.lastComponent("m"), "m")
        XCTAssertEqual(Path.lastComponent("a/b/"), "b")
        XCTAssertEqual(Path.lastComponent("a//b"), "b")
        XCTAssertEqual(Path.lastComponent("/abs/x/"), "x")
        XCTAssertEqual(Path.lastComponent("sample-data/visits/omsorg-vast.csv"), "omsorg-vast.csv")
        XCTAssertEqual(Path.lastComponent("."), ".")
        XCTAssertEqual(Path.lastComponent("./"), ".")
        XCTAssertEqual(Path.lastComponent(".."), "..")
        XCTAssertEqual(Path.lastComponent("/"), "/")
        XCTAssertEqual(Path.lastComponent("-"), "-")
    }

    /// What a manifest line may name: a path inside the directory, nothing above it or absolute.
    func testStaysInside() {
        XCTAssertTrue(Path.staysInside("users.csv"))
        XCTAssertTrue(Path.staysInside("forms/a.csv"))
        XCTAssertFalse(Path.staysInside(""))
        XCTAssertFalse(Path.staysInside("."))
        XCTAssertFalse(Path.staysInside("/etc/passwd"))
        XCTAssertFalse(Path.staysInside("../notes.txt"))
        XCTAssertFalse(Path.staysInside("forms/../../notes.txt"))
    }
}
