import Foundation
import TestSupport

/// A server on port 995 that never speaks, as a POP3S server looks to a
/// client waiting for a plain greeting. It runs in this process when that
/// may listen there (root, or a low `ip_unprivileged_port_start`), on the
/// first free loopback address; otherwise it is a python3 listener inside
/// a private network namespace, made afresh for each mpop run by
/// ``launcher``.
final class SilentPort995: @unchecked Sendable {
    let host: String
    /// The `launcher:` to run mpop with: empty, or `unshare` and the
    /// script that starts the listener.
    let launcher: [String]
    private let server: ResponderServer?
    private let directory: TemporaryDirectory?

    init() throws {
        for last in 1...20 {
            let host = "127.0.0.\(last)"
            if let server = try? ResponderServer(host: host, port: 995, makeResponder: { SilentResponder() }) {
                self.host = host
                self.server = server
                launcher = []
                directory = nil
                return
            }
        }
        guard let unshare = PrivateNamespaces.network else {
            throw MessageFailure("cannot listen on port 995 of 127.0.0.1 to 127.0.0.20, nor in a private network "
                                 + "namespace (run the tests as root, or allow unprivileged user namespaces)")
        }
        try Prerequisites.require("/usr/bin/ip", package: "iproute2")
        try Prerequisites.require("/usr/bin/python3", package: "python3")
        let directory = try TemporaryDirectory(prefix: "mpop-995")
        let listener = try directory.write("listener.py", """
            import socket, sys
            s = socket.socket()
            s.bind(("127.0.0.1", 995))
            s.listen(8)
            open(sys.argv[1], "w").write("ready\\n")
            held = []
            while True:
                held.append(s.accept()[0])

            """)
        let script = try directory.write("run.sh", """
            ready=$(mktemp)
            /usr/bin/ip link set lo up
            /usr/bin/python3 \(listener) "$ready" &
            pid=$!
            tries=0
            while ! [ -s "$ready" ]; do
                tries=$((tries + 1))
                [ $tries -le 200 ] || { echo "the listener on port 995 did not start" >&2; exit 99; }
                sleep 0.05
            done
            rm -f "$ready"
            "$@"
            status=$?
            kill $pid
            exit $status

            """)
        host = "127.0.0.1"
        server = nil
        self.directory = directory
        // Through sh rather than executed: a file just written can be busy
        // for exec while other tests fork.
        launcher = ["/usr/bin/unshare"] + unshare + ["/bin/sh", script]
    }

    func stop() {
        server?.stop()
        directory?.remove()
    }
}
