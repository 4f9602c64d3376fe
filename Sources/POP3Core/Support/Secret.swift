/// A password, token or other credential.
///
/// Its description is `********`, so it cannot leak into debug output, error
/// messages or test failure reports by accident; code that needs the value
/// asks for `exposedValue` by name.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let exposedValue: String

    public init(_ value: String) {
        exposedValue = value
    }

    public var description: String { "********" }
    public var debugDescription: String { "Secret(********)" }
}
