import Foundation

/// The löpnummer key of a run: where it lives, what it held when the run started, and how it is saved.
///
/// The key links löpnummer to user ids, so it never lives in the output directory (the folder people zip and
/// send). By default it is a file in a private per-user directory:
///
/// - `$KONTINUITET_KEY_DIR` when set (tests and scripts point it at a temporary directory),
/// - else `$XDG_DATA_HOME/kontinuitet/keys`,
/// - else `$HOME/.local/share/kontinuitet/keys`;
///
/// created with mode 0700 (and set back to 0700 if it was opened up), owned by the user running the tool. One key
/// file per purpose: `measure-<year>.csv` for `measure` (the year of the measurement period, so that the forms of
/// two years cannot be linked through their löpnummer) and `time-report.csv` for `time-report`; each holds
/// `provider,pseudonym,user` rows for every provider. `--key FILE` names the file instead; it must be outside the
/// output directory too. The file is written atomically with mode 0600.
package struct KeyFile: Sendable {
    /// The environment variable that overrides the key directory.
    package static let directoryVariable = "KONTINUITET_KEY_DIR"
    /// The name of the key file that earlier versions wrote into the output directory.
    static let legacyName = "key.csv"

    /// The key file's path.
    package let path: String
    /// The key as read at the start of the run, with the users numbered since.
    var key: PseudonymKey
    /// What the user must be told on stderr: a directory made private again, an old key in the output directory.
    package private(set) var notices: [String] = []

    /// The default key directory for `environment` (see the type's documentation).
    ///
    /// - Throws: `PrivacyError.noKeyDirectory` when none of the variables is set.
    package static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> String
    {
        if let directory = environment[directoryVariable], !directory.isEmpty { return directory }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            // The XDG specification ignores a relative XDG_DATA_HOME.
            return (data as NSString).appendingPathComponent("kontinuitet/keys")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return (home as NSString).appendingPathComponent(".local/share/kontinuitet/keys")
        }
        throw PrivacyError.noKeyDirectory
    }

    /// Opens the key of a run that writes into `outputDirectory`.
    ///
    /// - Parameters:
    ///   - explicitPath: `--key FILE`; nil for the default location.
    ///   - name: the file name in the key directory (`measure-2018.csv`).
    ///   - keyDirectory: the key directory; nil for `defaultDirectory()`.
    /// - Throws: `PrivacyError` when the key would be inside the output directory or its directory cannot be made
    ///   private; the reader's errors for a key file that cannot be read.
    static func open(explicitPath: String?, name: String, keyDirectory: String?, outputDirectory: String) throws
        -> KeyFile
    {
        var notices: [String] = []
        let path: String
        if let explicitPath {
            try PrivateFile.refuseInside(explicitPath, outputDirectory: outputDirectory, option: "--key")
            try PrivateFile.requireDirectory(of: explicitPath, option: "--key")
            path = explicitPath
        } else {
            let directory = try keyDirectory ?? defaultDirectory()
            try PrivateFile.refuseInside(directory, outputDirectory: outputDirectory, option: "key directory")
            notices += try preparePrivateDirectory(directory)
            path = (directory as NSString).appendingPathComponent(name)
        }
        let exists = FileManager.default.fileExists(atPath: path)
        var key = exists ? try PseudonymKey.load(path: path) : PseudonymKey()

        // A key an earlier version left in the output directory: taken over once, and never deleted silently.
        let legacy = (outputDirectory as NSString).appendingPathComponent(legacyName)
        if FileManager.default.fileExists(atPath: legacy) && !exists && explicitPath == nil {
            key = try PseudonymKey.load(path: legacy)
            notices.append(
                "\(legacy): a löpnummer key left by an earlier version; its numbers are kept in \(path) from now on. "
                    + legacyAdvice)
        } else {
            notices += legacyNotices(outputDirectory: outputDirectory)
        }
        return KeyFile(path: path, key: key, notices: notices)
    }

    /// What to tell the user about a key an earlier version left in the output directory, when there is one.
    static func legacyNotices(outputDirectory: String) -> [String] {
        let legacy = (outputDirectory as NSString).appendingPathComponent(legacyName)
        guard FileManager.default.fileExists(atPath: legacy) else { return [] }
        return ["\(legacy): a löpnummer key left by an earlier version (no longer read). " + legacyAdvice]
    }

    private static let legacyAdvice =
        "It links löpnummer to user ids and must not be shared: move it out of the output directory or delete it"

    /// Writes the key atomically with mode 0600 (a file of wider mode is replaced by one of 0600).
    func save() throws {
        try AtomicFile.write(path, key.csv(), mode: 0o600)
    }

    /// Creates `path` with mode 0700 if it does not exist, else checks that it is a directory of the user running
    /// the tool and sets its mode back to 0700 if group or others may use it.
    ///
    /// - Returns: a notice when the mode was changed.
    static func preparePrivateDirectory(_ path: String) throws -> [String] {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if !files.fileExists(atPath: path, isDirectory: &isDirectory) {
            do {
                try files.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw PrivacyError.keyDirectoryNotPrivate(path: path, reason: "it cannot be created")
            }
        } else if !isDirectory.boolValue {
            throw PrivacyError.keyDirectoryNotPrivate(path: path, reason: "it is not a directory")
        }
        guard let attributes = try? files.attributesOfItem(atPath: path),
            let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value,
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else {
            throw PrivacyError.keyDirectoryNotPrivate(path: path, reason: "its owner and mode cannot be read")
        }
        guard owner == FileSystem.userID else {
            throw PrivacyError.keyDirectoryNotPrivate(path: path, reason: "it belongs to another user")
        }
        guard mode & 0o777 != 0o700 else { return [] }
        do {
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            throw PrivacyError.keyDirectoryNotPrivate(path: path, reason: "its mode cannot be set to 0700")
        }
        let was = String(mode & 0o777, radix: 8)
        return ["\(path): the key directory was mode 0\(was); made private (0700)"]
    }
}

/// Files that hold personal data and therefore stay out of the output directory: the key, `--rejected-rows`.
package enum PrivateFile {
    /// Throws when `path` is `outputDirectory` or inside it (symbolic links and `..` resolved, so `out/../out/k`
    /// and a link into the directory count as inside).
    package static func refuseInside(_ path: String, outputDirectory: String, option: String) throws {
        let file = canonical(path)
        let directory = canonical(outputDirectory)
        if file == directory || file.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/") {
            throw PrivacyError.insideOutputDirectory(option: option, path: path, outputDirectory: outputDirectory)
        }
    }

    /// Throws when the directory `path` is to be written in does not exist.
    static func requireDirectory(of path: String, option: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent, isDirectory: &isDirectory),
            isDirectory.boolValue
        else { throw PrivacyError.noSuchDirectory(option: option, path: path) }
    }

    /// Writes a private file atomically, readable by its owner only (mode 0600).
    static func write(_ path: String, _ bytes: [UInt8], option: String) throws {
        try requireDirectory(of: path, option: option)
        try AtomicFile.write(path, bytes, mode: 0o600)
    }

    /// The absolute path of `path` with `.`, `..` and the symbolic links of its existing part resolved (the part
    /// that does not exist yet is appended as written).
    static func canonical(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" {
            missing.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
        }
        var resolved = existing.resolvingSymlinksInPath().path
        for component in missing { resolved = (resolved as NSString).appendingPathComponent(component) }
        return resolved
    }
}

extension KeyFile {
    /// The key of a run that shows `users` by löpnummer: opened and the new users numbered in `order`, or with
    /// `--keep-ids` none (only the notices about an old key left in the output directory). The notices and the
    /// key's path are recorded in `run`.
    static func forRun(
        keepIDs: Bool, explicitPath: String?, name: String, keyDirectory: String?, outputDirectory: String,
        users: [(provider: String, user: String)], order: PseudonymOrder?, run: inout WrittenOutputs
    ) throws -> KeyFile? {
        guard !keepIDs else {
            run.notices += legacyNotices(outputDirectory: outputDirectory)
            return nil
        }
        var opened = try open(
            explicitPath: explicitPath, name: name, keyDirectory: keyDirectory, outputDirectory: outputDirectory)
        opened.key.assignNew(users, order: try order ?? .fromEnvironment())
        run.notices += opened.notices
        run.keyPath = opened.path
        return opened
    }
}
