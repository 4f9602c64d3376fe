/// Asks the user for a password: the last of ``PasswordSource``'s sources.
/// The library never touches a terminal; the program implements this (mpop
/// reads a line from `/dev/tty` with echo off).
public protocol PasswordPrompter: Sendable {
    /// Shows `prompt` and returns the line typed, without its line ending.
    /// - Returns: `nil` when there is no one to ask (no terminal).
    func password(prompt: String) -> String?
}
