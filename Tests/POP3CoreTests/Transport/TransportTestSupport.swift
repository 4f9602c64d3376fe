import Foundation
import POP3Core

/// Runs `body`, expecting it to throw a `NetworkError`, and returns that.
func networkError<T>(_ body: () throws -> T) -> NetworkError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? NetworkError
    }
}
