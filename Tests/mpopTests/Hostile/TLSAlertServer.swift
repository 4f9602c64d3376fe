import Foundation
import TestSupport

/// An implicit-TLS POP3 server in Python's `ssl` module (a test peer, not
/// the product) whose first session breaks the TLS stream in the middle of
/// RETR 2; later sessions are correct. DELE takes effect at QUIT.
///
/// Breaks: `close_notify` (a clean TLS close mid-message), `garbage` (an
/// application-data record that fails its integrity check), `alert` (a
/// plaintext fatal alert record written under the TLS layer).
final class TLSAlertServer: @unchecked Sendable {
    let port: Int
    private let child: ChildProcess
    private let directory: TemporaryDirectory

    static let script = #"""
import socket, ssl, sys, time
cert, key, portfile, breakage = sys.argv[1:5]
uids = ["t1", "t2", "t3"]
def body(uid):
    return ("X-UID: %s\r\nSubject: tls %s\r\n\r\n" % (uid, uid) + "line of text\r\n" * 2000).encode()
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4)
open(portfile + ".tmp", "w").write(str(listener.getsockname()[1]))
import os; os.rename(portfile + ".tmp", portfile)
session = 0
while session < 4:
    raw, _ = listener.accept()
    raw.settimeout(20)
    session += 1
    try:
        conn = context.wrap_socket(raw, server_side=True)
    except Exception:
        raw.close(); continue
    reader = conn.makefile("rb")
    conn.sendall(b"+OK tls test server\r\n")
    deleted = set()
    try:
        while True:
            line = reader.readline()
            if not line: break
            words = line.decode("latin1").strip().split()
            cmd = words[0].upper() if words else ""
            arg = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
            if cmd == "CAPA": conn.sendall(b"+OK\r\nUSER\r\nUIDL\r\n.\r\n")
            elif cmd in ("USER", "PASS", "NOOP"): conn.sendall(b"+OK\r\n")
            elif cmd == "STAT": conn.sendall(b"+OK %d %d\r\n" % (len(uids), sum(len(body(u)) for u in uids)))
            elif cmd == "LIST": conn.sendall(b"+OK\r\n" + b"".join(b"%d %d\r\n" % (i + 1, len(body(u))) for i, u in enumerate(uids)) + b".\r\n")
            elif cmd == "UIDL": conn.sendall(b"+OK\r\n" + b"".join(b"%d %s\r\n" % (i + 1, u.encode()) for i, u in enumerate(uids)) + b".\r\n")
            elif cmd == "RETR" and 1 <= arg <= len(uids):
                data = body(uids[arg - 1])
                if session == 1 and arg == 2:
                    conn.sendall(b"+OK\r\n" + data[: len(data) // 2])
                    time.sleep(0.2)
                    if breakage == "close_notify":
                        conn = conn.unwrap()
                    elif breakage == "garbage":
                        os.write(conn.fileno(), b"\x17\x03\x03\x00\x20" + bytes(range(32)))
                    else:
                        os.write(conn.fileno(), b"\x15\x03\x03\x00\x02\x02\x50")
                    time.sleep(1)
                    break
                conn.sendall(b"+OK\r\n" + data + b".\r\n")
            elif cmd == "DELE": deleted.add(arg); conn.sendall(b"+OK\r\n")
            elif cmd == "QUIT":
                conn.sendall(b"+OK bye\r\n")
                uids = [u for i, u in enumerate(uids) if i + 1 not in deleted]
                break
            else: conn.sendall(b"-ERR\r\n")
    except Exception:
        pass
    for s in (conn, raw):
        try: s.close()
        except Exception: pass
"""#

    init(certificate: ThrowawayCA.Issued, breakage: String) throws {
        try Prerequisites.require("/usr/bin/python3", package: "python3")
        directory = try TemporaryDirectory(prefix: "mpop-tlsalert")
        let script = try directory.write("server.py", Self.script)
        let portFile = directory.url("port")
        child = try ChildProcess("/usr/bin/python3", [script, certificate.certificateFile, certificate.keyFile, portFile, breakage],
                                 environment: ["PATH": "/usr/bin:/bin"], stderr: directory.url("stderr"))
        var port: Int?
        for _ in 0..<100 where port == nil {
            usleep(100_000)
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
        }
        guard let port else {
            child.terminate()
            throw MessageFailure("the Python TLS server did not start: \((try? String(contentsOfFile: directory.url("stderr"), encoding: .utf8)) ?? "")")
        }
        self.port = port
    }

    func stop() {
        child.terminate()
        directory.remove()
    }
}
