/// The old servers the tests emulate, by name, with what mpop should make
/// of each login method against them.
enum OldServerPersonality: String, CaseIterable, Sendable, CustomStringConvertible {
    case qpopper, mpopdLike, mdpop3d, noCapa

    var description: String { rawValue }

    var dialect: OldServerDialect {
        switch self {
        case .qpopper: QpopperPersonality.dialect
        case .mpopdLike: MpopdLikePersonality.dialect
        case .mdpop3d: MdPop3dPersonality.dialect
        case .noCapa: NoCapaPersonality.dialect
        }
    }

    /// True when the greeting carries an APOP timestamp mpop accepts.
    var offersAPOP: Bool { dialect.apopTimestamp != nil }
}
