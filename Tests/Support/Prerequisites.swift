import Foundation

/// A program a test needs is missing. The test fails with the package to
/// install in its message; it never passes without having run.
public struct MissingPrerequisite: Error, CustomStringConvertible {
    public let program: String
    /// What to run to get it, e.g. `apt-get install mpop`.
    public let remedy: String

    /// A program from a Debian package.
    public init(program: String, package: String) {
        self.init(program: program, remedy: "apt-get install \(package)")
    }

    public init(program: String, remedy: String) {
        self.program = program
        self.remedy = remedy
    }

    public var description: String {
        "\(program) is not installed; install it with: \(remedy)"
    }
}

public enum Prerequisites {
    /// Throws ``MissingPrerequisite`` unless `program` is an executable file.
    public static func require(_ program: String, package: String) throws {
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw MissingPrerequisite(program: program, package: package)
        }
    }

    public static func requireDovecot() throws {
        try require("/usr/sbin/dovecot", package: "dovecot-core dovecot-pop3d")
        try require("/usr/lib/dovecot/pop3", package: "dovecot-pop3d")
        try require("/usr/bin/certtool", package: "gnutls-bin")
    }

    public static func requireMpopd() throws {
        try require("/usr/bin/mpopd", package: "mpop")
    }

    public static func requireReferenceMpop() throws {
        try require("/usr/bin/mpop", package: "mpop")
    }
}
