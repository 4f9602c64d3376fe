import Foundation

public enum FreePort {
    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it).
    public static func next() throws -> Int {
        let (descriptor, port) = try Loopback.bind()
        close(descriptor)
        return port
    }

    /// Waits until something accepts connections on 127.0.0.1:`port`.
    public static func waitUntilListening(_ port: Int, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let descriptor = Loopback.connect(port: port) {
                close(descriptor)
                return true
            }
            usleep(20_000)
        }
        return false
    }
}
