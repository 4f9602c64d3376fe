/// A process exit status from `sysexits.h`, the codes mpop has always used.
///
/// Cron jobs and systemd units read these: 75 means "try again later",
/// 78 means "fix the configuration".
public struct ExitStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Successful termination. C name: `EX_OK` (0).
    public static let ok = ExitStatus(rawValue: 0)
    /// Command line usage error. C name: `EX_USAGE` (64).
    public static let usage = ExitStatus(rawValue: 64)
    /// Data format error. C name: `EX_DATAERR` (65).
    public static let dataError = ExitStatus(rawValue: 65)
    /// Cannot open input. C name: `EX_NOINPUT` (66).
    public static let noInput = ExitStatus(rawValue: 66)
    /// Host name unknown. C name: `EX_NOHOST` (68).
    public static let noHost = ExitStatus(rawValue: 68)
    /// Service unavailable. C name: `EX_UNAVAILABLE` (69).
    public static let unavailable = ExitStatus(rawValue: 69)
    /// Internal software error. C name: `EX_SOFTWARE` (70).
    public static let software = ExitStatus(rawValue: 70)
    /// System error, for example cannot create a socket. C name: `EX_OSERR` (71).
    public static let osError = ExitStatus(rawValue: 71)
    /// Input/output error. C name: `EX_IOERR` (74).
    public static let ioError = ExitStatus(rawValue: 74)
    /// Temporary failure; the user is invited to retry. C name: `EX_TEMPFAIL` (75).
    public static let tempFail = ExitStatus(rawValue: 75)
    /// Remote error in protocol. C name: `EX_PROTOCOL` (76).
    public static let protocolError = ExitStatus(rawValue: 76)
    /// Permission denied. C name: `EX_NOPERM` (77).
    public static let noPermission = ExitStatus(rawValue: 77)
    /// Configuration error. C name: `EX_CONFIG` (78).
    public static let config = ExitStatus(rawValue: 78)

    /// The `EX_NAME: description` text mpop prints when a child (an MDA or a
    /// filter) exits with a sysexits code, or `nil` for any other code.
    public var sysexitsDescription: String? {
        switch rawValue {
        case 64: return "EX_USAGE: command line usage error"
        case 65: return "EX_DATAERR: data format error"
        case 66: return "EX_NOINPUT: cannot open input"
        case 67: return "EX_NOUSER: addressee unknown"
        case 68: return "EX_NOHOST: host name unknown"
        case 69: return "EX_UNAVAILABLE: service unavailable"
        case 70: return "EX_SOFTWARE: internal software error"
        case 71: return "EX_OSERR: system error (can't fork?)"
        case 72: return "EX_OSFILE: critical OS file missing"
        case 73: return "EX_CANTCREAT: can't create (user) output file"
        case 74: return "EX_IOERR: input/output error"
        case 75: return "EX_TEMPFAIL: temporary failure"
        case 76: return "EX_PROTOCOL: remote error in protocol"
        case 77: return "EX_NOPERM: permission denied"
        case 78: return "EX_CONFIG: configuration error"
        default: return nil
        }
    }

    public var description: String { String(rawValue) }
}
