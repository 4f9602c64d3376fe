import POP3Core

/// Why `--mda` did not deliver, worded and numbered as mpop 1.4.23's
/// `main` and `mpop_mda` do. The stage a delivery error happened in picks
/// the prefix and, as in mpop, the exit status.
enum MDAModeError: ReportableError {
    /// `--mda requires --delivery` (64).
    case deliveryMissing
    /// `--mda requires zero or one argument` (64).
    case tooManyArguments
    /// `cannot initialize delivery: ...` (78, `EX_CONFIG`): the maildir or
    /// pickup directory cannot be opened, the mbox cannot be opened or locked.
    case cannotInitialize(any ReportableError)
    /// `cannot start delivery: ...`: the message's file cannot be created
    /// (74), or the delivery agent cannot be started (71, `EX_OSERR`).
    case cannotStart(any ReportableError)
    /// `cannot read mail: input error` (74): reading standard input failed.
    case cannotRead(errno: Int32)
    /// `cannot write mail: output error` (74): a write into the delivery
    /// failed, or a delivery agent stopped reading.
    case cannotWrite
    /// `cannot finish delivery: ...` (74): the agent did not exit 0, the
    /// file could not be synced or moved to `new/`. mpop 1.4.23 exits 74
    /// here whatever the agent's exit status was.
    case cannotFinish(any ReportableError)
    /// `cannot clean up after delivery: ...` (71): the mbox could not be
    /// closed. The message was delivered, but mpop says `EX_OSERR`.
    case cannotCleanUp(any ReportableError)

    var explanation: String {
        switch self {
        case .deliveryMissing: "--mda requires --delivery"
        case .tooManyArguments: "--mda requires zero or one argument"
        case .cannotInitialize(let error): "cannot initialize delivery: " + error.explanation
        case .cannotStart(let error): "cannot start delivery: " + error.explanation
        case .cannotRead: "cannot read mail: input error"
        case .cannotWrite: "cannot write mail: output error"
        case .cannotFinish(let error): "cannot finish delivery: " + error.explanation
        case .cannotCleanUp(let error): "cannot clean up after delivery: " + error.explanation
        }
    }

    var exitStatus: ExitStatus {
        switch self {
        case .deliveryMissing, .tooManyArguments: .usage
        case .cannotInitialize: .config
        case .cannotStart(let error):
            // mpop's DELIVERY_EUNKNOWN (popen failed) against DELIVERY_EIO.
            if case DeliveryError.cannotExecute = error { .osError } else { .ioError }
        case .cannotRead, .cannotWrite, .cannotFinish: .ioError
        case .cannotCleanUp: .osError
        }
    }
}
