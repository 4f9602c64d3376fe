import CGSASL
import Foundation

/// A GNU SASL *server* session for one mechanism, with a callback that
/// knows one user and password, so a client can be checked in-process
/// against the same library's idea of each mechanism.
final class GSASLTestServer {
    /// What the server callback answers with.
    final class Settings {
        let user: String
        let password: String
        let channelBinding: String?
        init(user: String, password: String, channelBinding: String?) {
            self.user = user
            self.password = password
            self.channelBinding = channelBinding
        }
    }

    enum Outcome: Equatable {
        case authenticated
        case rejected(String)
    }

    private let context: OpaquePointer
    private let session: OpaquePointer
    private let settings: Settings

    /// `channelBinding` is base64, given to the server for both binding kinds.
    init(mechanism: String, user: String, password: String, channelBinding: String? = nil) throws {
        settings = Settings(user: user, password: password, channelBinding: channelBinding)
        var context: OpaquePointer?
        guard gsasl_init(&context) == Int32(GSASL_OK.rawValue), let context else {
            throw MessageError("gsasl_init failed")
        }
        self.context = context
        gsasl_callback_hook_set(context, Unmanaged.passUnretained(settings).toOpaque())
        gsasl_callback_set(context, serverCallback)
        var session: OpaquePointer?
        let started = gsasl_server_start(context, mechanism, &session)
        guard started == Int32(GSASL_OK.rawValue), let session else {
            gsasl_done(context)
            throw MessageError("gsasl_server_start \(mechanism): \(String(cString: gsasl_strerror(started)))")
        }
        self.session = session
        gsasl_property_set(session, GSASL_SERVICE, "pop")
        gsasl_property_set(session, GSASL_HOSTNAME, "localhost")
    }

    deinit {
        gsasl_finish(session)
        gsasl_done(context)
    }

    /// One server step: the client's base64 message in, the server's
    /// base64 challenge out, with whether the server is done (`OK`), wants
    /// more, or failed (the library's error text).
    func step(_ input: String) -> (output: String, result: Result<Bool, GSASLTestFailure>) {
        var output: UnsafeMutablePointer<CChar>?
        let rc = gsasl_step64(session, input, &output)
        defer { gsasl_free(output) }
        let text = output.map { String(cString: $0) } ?? ""
        switch rc {
        case Int32(GSASL_OK.rawValue): return (text, .success(true))
        case Int32(GSASL_NEEDS_MORE.rawValue): return (text, .success(false))
        default: return (text, .failure(GSASLTestFailure(text: String(cString: gsasl_strerror(rc)))))
        }
    }
}

struct GSASLTestFailure: Error, Equatable {
    let text: String
}

struct MessageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The server's property callback: the password for the known user (none
/// for anyone else), the channel binding, and the library's defaults for
/// everything else.
private let serverCallback: Gsasl_callback_function = { context, session, property in
    let noCallback = Int32(GSASL_NO_CALLBACK.rawValue)
    guard let context, let session, let hook = gsasl_callback_hook_get(context) else { return noCallback }
    let settings = Unmanaged<GSASLTestServer.Settings>.fromOpaque(hook).takeUnretainedValue()
    switch property {
    case GSASL_PASSWORD:
        guard let authid = gsasl_property_fast(session, GSASL_AUTHID),
              String(cString: authid) == settings.user else { return noCallback }
        return gsasl_property_set(session, GSASL_PASSWORD, settings.password)
    case GSASL_CB_TLS_UNIQUE, GSASL_CB_TLS_EXPORTER:
        guard let binding = settings.channelBinding else { return noCallback }
        return gsasl_property_set(session, property, binding)
    default:
        return noCallback
    }
}
