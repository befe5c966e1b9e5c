import Foundation

/// Errors of the privacy layer: where private files may live, and how their location is chosen.
package enum PrivacyError: Error, CustomStringConvertible, Equatable {
    /// A private file (`--key`, `--rejected-rows`, the key directory) would be inside the output directory, which
    /// holds only files that may be shared.
    case insideOutputDirectory(option: String, path: String, outputDirectory: String)
    /// No place for the key: neither `KONTINUITET_KEY_DIR`, `XDG_DATA_HOME` nor `HOME` is set.
    case noKeyDirectory
    /// The key directory exists but is not a directory, or belongs to another user, or cannot be made private.
    case keyDirectoryNotPrivate(path: String, reason: String)
    /// The directory a private file is to be written in does not exist.
    case noSuchDirectory(option: String, path: String)
    /// `KONTINUITET_PSEUDONYM_SEED` is set to something that is not a whole number.
    case badSeed(variable: String)

    package var description: String {
        switch self {
        case .insideOutputDirectory(let option, let path, let outputDirectory):
            return "\(option) \(path): a private file may not be inside the output directory \(outputDirectory), "
                + "which holds only files that may be shared; give a path outside it"
        case .noKeyDirectory:
            return "no place for the löpnummer key: set \(KeyFile.directoryVariable) (or HOME), or give --key FILE"
        case .keyDirectoryNotPrivate(let path, let reason):
            return "\(path): cannot keep the löpnummer key there (\(reason))"
        case .noSuchDirectory(let option, let path):
            return "\(option) \(path): the directory does not exist"
        case .badSeed(let variable):
            return "\(variable) is set but is not a whole number from 0 to 18446744073709551615"
        }
    }
}
