#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#elseif os(Windows)
    import ucrt
    #error("Platform/ has no Windows wrappers yet (mmap, sigaction, opendir, links); see docs/platform.md")
#else
    #error("Platform/: unknown platform; add its imports and wrappers (see docs/platform.md)")
#endif

/// What kind of file system object a path names.
enum FileKind: Equatable {
    case regular
    case directory
    case symbolicLink
    /// A named pipe (`mkfifo`), or an unnamed one seen through `/dev/fd/N` or `/dev/stdin`.
    case fifo
    case characterDevice
    case blockDevice
    case socket
    case unknown

    /// The kind in a `st_mode`.
    init(mode: UInt32) {
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): self = .regular
        case UInt32(S_IFDIR): self = .directory
        case UInt32(S_IFLNK): self = .symbolicLink
        case UInt32(S_IFIFO): self = .fifo
        case UInt32(S_IFCHR): self = .characterDevice
        case UInt32(S_IFBLK): self = .blockDevice
        case UInt32(S_IFSOCK): self = .socket
        default: self = .unknown
        }
    }
}

/// The part of `stat` the program uses: kind, size, identity and permission bits.
struct FileStatus: Equatable {
    var kind: FileKind
    /// The size in bytes (meaningful for regular files).
    var size: Int
    /// The device and inode numbers, which together identify the object (two paths to one directory have the same).
    var device: UInt64
    var inode: UInt64
    /// The permission bits (`0o755`), without the kind.
    var permissions: UInt32

    init(_ info: stat) {
        kind = FileKind(mode: UInt32(info.st_mode))
        size = Int(info.st_size)
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        permissions = UInt32(info.st_mode) & 0o7777
    }

    /// True when both describe the same object.
    func isSameObject(as other: FileStatus) -> Bool { device == other.device && inode == other.inode }
}
