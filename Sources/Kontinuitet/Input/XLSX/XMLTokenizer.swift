// memchr, the C library's byte search, as the CSV scanner uses it (Foundation brings it on every platform).
import Foundation

/// One piece of XML as `XMLTokenizer` cuts it: a tag, or the text between two tags.
///
/// Ranges index the buffer the token was read from. Names are local names: a prefix (`x:` in `<x:row>`) is
/// dropped, so that elements match whatever prefix a writer binds to the SpreadsheetML namespace.
struct XMLToken {
    /// What kind of markup the token is.
    enum Kind {
        /// `<name attributes>`
        case startTag
        /// `<name attributes/>`
        case emptyTag
        /// `</name>`
        case endTag
        /// Character data between tags, entities not yet decoded.
        case text
        /// The contents of a `<![CDATA[…]]>` section, to be taken as they are.
        case cdata
        /// A comment, processing instruction or document type declaration, which carries nothing here.
        case skipped
    }

    var kind: Kind
    /// The local name of a tag; empty for other kinds.
    var name: Range<Int>
    /// The attributes of a start or empty tag (after the name), or the text of text and CDATA tokens.
    var body: Range<Int>
}

/// A tokenizer for XML that arrives in pieces: it reads one token at a time from a buffer and reports when the
/// buffer ends inside one, so that the caller can keep the unread rest and add the next piece to it.
///
/// It reads what SpreadsheetML parts hold (elements, attributes, text, CDATA, comments, processing instructions,
/// a document type declaration) and checks only what it must to find token boundaries: well-formedness such as
/// matching end tags is the caller's business. Entities are never expanded here (see `XMLTextDecoder`), and a
/// document type declaration is skipped, so no entity can expand into more input.
///
/// - Complexity: O(n): `memchr` finds where text and end tags end; start tags are scanned once for quotes.
enum XMLTokenizer {
    /// Why a buffer cannot be read as XML.
    struct Problem: Error {
        /// What is wrong, in words, without document content.
        var description: String
    }

    /// Reads the token that starts at `position`, and moves `position` past it.
    ///
    /// Returns `nil`, leaving `position` where it was, when the buffer ends inside the token and `isFinal` is false
    /// (more input may complete it), or when `position` is at the end of the buffer.
    ///
    /// - Throws: `Problem` for a `<` that starts no markup, or, when `isFinal`, for input that ends inside a tag.
    @inline(__always)
    static func next(
        _ buffer: UnsafeBufferPointer<UInt8>, _ position: inout Int, isFinal: Bool
    ) throws(Problem) -> XMLToken? {
        guard let base = buffer.baseAddress, position < buffer.count else {
            return nil
        }
        let start = position
        let count = buffer.count
        if base[start] != UInt8(ascii: "<") {
            let end = find(UInt8(ascii: "<"), base, from: start, to: count) ?? (isFinal ? count : -1)
            guard end >= 0 else {
                return nil
            }
            position = end
            return XMLToken(kind: .text, name: start..<start, body: start..<end)
        }
        guard start + 1 < count else {
            return try incomplete(isFinal)
        }
        switch base[start + 1] {
        case UInt8(ascii: "/"):
            guard let close = find(UInt8(ascii: ">"), base, from: start + 2, to: count) else {
                return try incomplete(isFinal)
            }
            var nameEnd = start + 2
            while nameEnd < close && !isSpace(base[nameEnd]) {
                nameEnd += 1
            }
            position = close + 1
            return XMLToken(kind: .endTag, name: localName(base, start + 2, nameEnd), body: close..<close)
        case UInt8(ascii: "!"), UInt8(ascii: "?"):
            return try special(buffer, &position, isFinal: isFinal)
        default:
            return try startTag(base, count, &position, isFinal: isFinal)
        }
    }

    /// Reads a start or empty tag at `position`: the name, then attributes up to a `>` outside quotes.
    @inline(__always)
    private static func startTag(
        _ base: UnsafePointer<UInt8>, _ count: Int, _ position: inout Int, isFinal: Bool
    ) throws(Problem) -> XMLToken? {
        let start = position
        var index = start + 1
        while index < count {
            let byte = base[index]
            if isSpace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") {
                break
            }
            index += 1
        }
        let nameEnd = index
        guard nameEnd > start + 1 || nameEnd == count else {
            throw Problem(description: "a '<' that starts no tag")
        }
        var quote: UInt8 = 0
        while index < count {
            let byte = base[index]
            if quote != 0 {
                if byte == quote {
                    quote = 0
                }
            } else if byte == UInt8(ascii: ">") {
                let isEmpty = index > nameEnd && base[index - 1] == UInt8(ascii: "/")
                position = index + 1
                return XMLToken(
                    kind: isEmpty ? .emptyTag : .startTag, name: localName(base, start + 1, nameEnd),
                    body: nameEnd..<(isEmpty ? index - 1 : index))
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "<") {
                throw Problem(description: "a '<' inside a tag")
            }
            index += 1
        }
        return try incomplete(isFinal)
    }

    /// Reads a comment, CDATA section, processing instruction or document type declaration.
    private static func special(
        _ buffer: UnsafeBufferPointer<UInt8>, _ position: inout Int, isFinal: Bool
    ) throws(Problem) -> XMLToken? {
        let start = position
        func hasPrefix(_ text: StaticString) -> Bool? {
            let length = text.utf8CodeUnitCount
            guard start + length <= buffer.count else {
                return nil
            }
            return (0..<length).allSatisfy { buffer[start + $0] == text.utf8Start[$0] }
        }
        let terminator: [UInt8]
        var kind = XMLToken.Kind.skipped
        var bodyOffset = 0
        if buffer[start + 1] == UInt8(ascii: "?") {
            terminator = Array("?>".utf8)
        } else {
            guard let isComment = hasPrefix("<!--"), let isCDATA = hasPrefix("<![CDATA[") ?? (isFinal ? false : nil)
            else {
                return try incomplete(isFinal)
            }
            if isComment {
                terminator = Array("-->".utf8)
            } else if isCDATA {
                terminator = Array("]]>".utf8)
                kind = .cdata
                bodyOffset = 9
            } else {
                return try declaration(buffer, &position, isFinal: isFinal)
            }
        }
        guard let base = buffer.baseAddress else {
            return nil
        }
        var index = start + 2
        while let candidate = find(terminator[0], base, from: index, to: buffer.count) {
            guard candidate + terminator.count <= buffer.count else {
                break
            }
            if (1..<terminator.count).allSatisfy({ base[candidate + $0] == terminator[$0] }) {
                position = candidate + terminator.count
                return XMLToken(kind: kind, name: start..<start, body: (start + bodyOffset)..<candidate)
            }
            index = candidate + 1
        }
        return try incomplete(isFinal)
    }

    /// Skips `<!DOCTYPE …>` (or another `<!` declaration), over an internal subset in brackets if there is one.
    private static func declaration(
        _ buffer: UnsafeBufferPointer<UInt8>, _ position: inout Int, isFinal: Bool
    ) throws(Problem) -> XMLToken? {
        var depth = 0
        var quote: UInt8 = 0
        var index = position + 2
        while index < buffer.count {
            let byte = buffer[index]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "]") {
                depth -= 1
            } else if byte == UInt8(ascii: ">") && depth <= 0 {
                let start = position
                position = index + 1
                return XMLToken(kind: .skipped, name: start..<start, body: start..<start)
            }
            index += 1
        }
        return try incomplete(isFinal)
    }

    /// `nil` (wait for more input), or an error when there is no more.
    private static func incomplete(_ isFinal: Bool) throws(Problem) -> XMLToken? {
        if isFinal {
            throw Problem(description: "the part ends inside a tag")
        }
        return nil
    }

    /// The name in `start..<end` without its namespace prefix.
    @inline(__always)
    static func localName(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int> {
        var index = end - 1
        while index >= start {
            if base[index] == UInt8(ascii: ":") {
                return (index + 1)..<end
            }
            index -= 1
        }
        return start..<end
    }

    /// The offset of the first `byte` in `from..<to`, if any.
    @inline(__always)
    static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let found = memchr(base + from, Int32(byte), to - from) else {
            return nil
        }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// XML white space: space, tab, CR, LF.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Reads the attribute that starts at or after `index` in the attributes `index..<end` of a tag: its local name
    /// and the range of its value between the quotes (entities not decoded). Returns `nil` when there is none.
    @inline(__always)
    static func nextAttribute(
        _ base: UnsafePointer<UInt8>, _ index: inout Int, _ end: Int
    ) -> (name: Range<Int>, value: Range<Int>)? {
        while index < end && isSpace(base[index]) {
            index += 1
        }
        guard index < end else {
            return nil
        }
        let nameStart = index
        while index < end && base[index] != UInt8(ascii: "=") && !isSpace(base[index]) {
            index += 1
        }
        let nameEnd = index
        while index < end && base[index] != UInt8(ascii: "\"") && base[index] != UInt8(ascii: "'") {
            index += 1
        }
        guard index < end else {
            return nil
        }
        let quote = base[index]
        index += 1
        let valueStart = index
        while index < end && base[index] != quote {
            index += 1
        }
        let valueEnd = index
        index += 1
        return (localName(base, nameStart, nameEnd), valueStart..<valueEnd)
    }

    /// Whether the bytes of `range` in `base` are `name` (ASCII).
    @inline(__always)
    static func equals(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, _ name: StaticString) -> Bool {
        let length = name.utf8CodeUnitCount
        guard range.count == length else {
            return false
        }
        let bytes = name.utf8Start
        for offset in 0..<length where base[range.lowerBound + offset] != bytes[offset] {
            return false
        }
        return true
    }
}
