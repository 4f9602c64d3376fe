import Foundation
import POP3Core
import TLSGnu
import TestSupport

/// Plain TCP to dovecot's STLS port or its implicit-TLS port.
func plainConnection(to port: Int, timeout: Int = 10) throws -> SocketTransport {
    try Connector().connect(host: "127.0.0.1", port: port, timeoutSeconds: timeout).transport
}

/// Implicit TLS to `server` with `settings`.
func implicitTLS(_ server: DovecotServer, _ settings: TLSSettings) throws -> any TLSTransport {
    try GnuTLSStarter().startTLS(over: try plainConnection(to: server.tlsPort), settings: settings)
}

/// Settings that trust the server's throwaway CA for `localhost`.
func trusting(_ server: DovecotServer, name: String = "localhost") -> TLSSettings {
    TLSSettings(serverName: name, trustFile: server.ca.certificateFile)
}

/// The error `body` throws, as a `ReportableError`.
func reportableError<T>(_ body: () throws -> T) -> (any ReportableError)? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? any ReportableError
    }
}

/// What Debian's mpop says when it runs `--serverinfo` with `arguments`:
/// its first error line without the `mpop: ` prefix, and its exit status.
func referenceFailure(_ arguments: [String]) throws -> (explanation: String, status: Int32) {
    let home = try TemporaryDirectory(prefix: "mpop-ref-home")
    let result = try MpopBinary.reference.run(["--serverinfo"] + arguments, home: home.path, timeout: 30)
    let first = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    let explanation = first.hasPrefix("mpop: ") ? String(first.dropFirst(6)) : first
    return (explanation, result.status)
}
