#if canImport(Glibc)
import Glibc
#endif

/// What the Received header needs to know about this side.
public struct ReceivedHeaderContext {
    public var localCanonicalName: String
    public var localUser: String
    /// Seconds since the epoch, asked once per message.
    public var now: () -> Int

    public init(localCanonicalName: String, localUser: String, now: @escaping () -> Int = { Int(time(nil)) }) {
        self.localCanonicalName = localCanonicalName
        self.localUser = localUser
        self.now = now
    }

    /// This machine and user, as ``LocalIdentity`` finds them (mpop does
    /// this once per run, before the first retrieval).
    public static func local(_ environment: Environment) -> ReceivedHeaderContext {
        ReceivedHeaderContext(localCanonicalName: LocalIdentity.canonicalHostName(),
                              localUser: LocalIdentity.userName(environment))
    }
}
