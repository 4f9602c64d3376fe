import Foundation
import Testing
import TestSupport

/// `--configure` run by Debian's mpop and by ours against a scripted DNS
/// server, inside a private network namespace (`unshare -n -m`) whose
/// resolver points at 127.0.0.1: no query can leave the machine.
///
/// Creating the namespace needs root, so the suite is skipped otherwise.
@Suite(.enabled(if: geteuid() == 0, "needs root for unshare -n -m"))
struct ConfigureDifferentialTests {
    struct Case: Sendable, CustomStringConvertible {
        var address: String
        /// `NAME,PRIORITY,WEIGHT,PORT,TARGET`
        var records: [String]
        var description: String { "\(address) \(records)" }
    }

    static let cases: [Case] = [
        Case(address: "me@example.invalid", records: ["_pop3s._tcp.example.invalid,0,0,995,pop.example.invalid"]),
        Case(address: "me@example.invalid", records: ["_pop3._tcp.example.invalid,0,0,110,mail.other.invalid"]),
        Case(address: "me@example.invalid", records: [
            "_pop3s._tcp.example.invalid,10,5,995,pop.example.invalid",
            "_pop3s._tcp.example.invalid,5,1,1995,backup.other.invalid",
            "_pop3s._tcp.example.invalid,5,9,2995,Pop2.EXAMPLE.invalid",
        ]),
        Case(address: "me@example.invalid", records: [
            "_pop3._tcp.example.invalid,0,1,110,a.invalid", "_pop3._tcp.example.invalid,0,1,111,b.invalid",
        ]),
        Case(address: "me@example.invalid", records: ["_pop3s._tcp.example.invalid,0,0,995,xexample.invalid"]),
        Case(address: "me@example.invalid", records: ["_pop3s._tcp.example.invalid,0,0,995,example.invalid"]),
        Case(address: "me@example.invalid", records: [
            "_pop3s._tcp.example.invalid,0,0,995,.", "_pop3._tcp.example.invalid,1,0,996,b.example.invalid",
        ]),
        Case(address: "a.b@c@example.invalid", records: ["_pop3s._tcp.example.invalid,0,0,995,a.example.invalid"]),
        Case(address: "me@example.invalid", records: []),
        Case(address: "me@", records: []),
        Case(address: "nobody", records: []),
    ]

    @Test(arguments: cases)
    func oursMatchesDebianMpop(_ testCase: Case) throws {
        try Prerequisites.requireReferenceMpop()
        try Prerequisites.require("/usr/bin/unshare", package: "util-linux")
        try Prerequisites.require("/usr/bin/ip", package: "iproute2")
        try Prerequisites.require("/usr/bin/python3", package: "python3")
        let dir = try TemporaryDirectory(prefix: "mpop-configure")
        let server = try dir.write("dns.py", Self.dnsServer)
        let resolv = try dir.write("resolv.conf", "nameserver 127.0.0.1\n")
        let script = try dir.write("run.sh", """
            #!/bin/sh
            mpop="$1"; shift
            ip link set lo up
            mount --bind \(resolv) /etc/resolv.conf
            /usr/bin/python3 \(server) "$@" > \(dir.path)/dns.log 2>&1 &
            pid=$!
            while ! grep -q ready \(dir.path)/dns.log 2>/dev/null; do sleep 0.05; done
            "$mpop" --configure="$ADDRESS"
            status=$?
            kill $pid
            exit $status

            """, mode: 0o755)
        let environment = ["HOME": dir.path, "PATH": "/usr/sbin:/usr/bin:/bin", "LC_ALL": "C",
                           "ADDRESS": testCase.address]
        // Through sh rather than executed: a file just written can be busy
        // for exec while other tests fork.
        let arguments = ["-n", "-m", "/bin/sh", script]
        let expected = try ProgramRunner.run("/usr/bin/unshare", arguments + [MpopBinary.reference.path] + testCase.records,
                                             environment: environment, timeout: 30)
        try? FileManager.default.removeItem(atPath: dir.path + "/dns.log")
        let actual = try ProgramRunner.run("/usr/bin/unshare", arguments + [MpopBinary.ours.path] + testCase.records,
                                           environment: environment, timeout: 30)
        #expect(!expected.timedOut && !(expected.stdout + expected.stderr).isEmpty, "the reference run did nothing: \(expected)")
        #expect(actual.stdout == expected.stdout)
        #expect(actual.stderr == expected.stderr)
        #expect(actual.status == expected.status)
    }

    /// Answers SRV queries from its arguments; NXDOMAIN for other names.
    static let dnsServer = #"""
        import socket, struct, sys
        records = {}
        for spec in sys.argv[1:]:
            name, prio, weight, port, target = spec.split(",")
            records.setdefault(name.lower(), []).append((int(prio), int(weight), int(port), target))
        def encode(name):
            out = b""
            for label in name.split("."):
                if label:
                    out += bytes([len(label)]) + label.encode()
            return out + b"\0"
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 53))
        print("ready", flush=True)
        while True:
            data, addr = s.recvfrom(4096)
            i = 12
            labels = []
            while data[i]:
                labels.append(data[i + 1:i + 1 + data[i]].decode())
                i += 1 + data[i]
            qtype = struct.unpack(">H", data[i + 1:i + 3])[0]
            name = ".".join(labels).lower()
            answers = records.get(name, []) if qtype == 33 else []
            rcode = 0 if name in records else 3
            body = b""
            for prio, weight, port, target in answers:
                rdata = struct.pack(">HHH", prio, weight, port) + encode(target)
                body += b"\xc0\x0c" + struct.pack(">HHIH", 33, 1, 60, len(rdata)) + rdata
            header = data[:2] + struct.pack(">HHHHH", 0x8180 | rcode, 1, len(answers), 0, 0)
            s.sendto(header + data[12:i + 5] + body, addr)
        """#
}
