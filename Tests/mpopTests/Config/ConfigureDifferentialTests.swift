import Foundation
import Testing
import TestSupport

/// `--configure` run by Debian's mpop and by ours against a scripted DNS
/// server, inside a private network namespace (`unshare -n -m`) whose
/// resolver points at 127.0.0.1: no query can leave the machine.
///
/// Ours is run twice per case, with and without `secret-tool` on its
/// `$PATH`, whatever this machine has installed. With it, ours must print
/// what the Debian mpop (built with libsecret) prints; without it, what
/// mpop built without libsecret prints (Docs/Compatibility.md).
@Suite(.enabled(if: PrivateNamespaces.networkAndMount != nil,
                "unshare cannot make a private network namespace here: needs root, or unprivileged user namespaces"))
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
    func withSecretToolOursMatchesDebianMpop(_ testCase: Case) throws {
        let paths = try SecretToolPaths(), home = try TemporaryDirectory()
        let expected = try Self.configure(.reference, testCase, home: home.path, path: paths.withSecretTool)
        let actual = try Self.configure(.ours, testCase, home: home.path, path: paths.withSecretTool)
        #expect(actual.stdout == expected.stdout)
        #expect(actual.stderr == expected.stderr)
        #expect(actual.status == expected.status)
    }

    @Test(arguments: cases)
    func withoutSecretToolOursSuggestsGpgAsMpopWithoutLibsecret(_ testCase: Case) throws {
        let paths = try SecretToolPaths(), home = try TemporaryDirectory()
        let expected = try Self.configure(.reference, testCase, home: home.path, path: paths.withSecretTool)
        let actual = try Self.configure(.ours, testCase, home: home.path, path: paths.withoutSecretTool)
        #expect(actual.stdout == Self.withoutKeyRing(expected.stdout))
        #expect(!actual.stdout.contains("secret-tool"))
        #expect(actual.stderr == expected.stderr)
        #expect(actual.status == expected.status)
    }

    /// The reference's configuration text as mpop 1.4.18 built without
    /// libsecret prints it (`mpop.c:mpop_configure`): the key ring advice
    /// becomes gpg advice, and a `passwordeval` line follows `user`.
    static func withoutKeyRing(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "# - add your password to the key ring:" {
                lines.append("# - encrypt your password:")
            } else if line.hasPrefix("#   secret-tool store ") {
                lines.append("#   gpg -e -o ~/.mpop-password.gpg")
            } else {
                lines.append(line)
                if line.hasPrefix("user ") {
                    lines.append("passwordeval gpg --no-tty -q -d ~/.mpop-password.gpg")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Runs `binary --configure=ADDRESS` in a private network namespace
    /// whose DNS server answers with the case's records; `path` is the
    /// `$PATH` mpop sees.
    static func configure(_ binary: MpopBinary, _ testCase: Case, home: String, path: String) throws -> RunResult {
        try Prerequisites.requireReferenceMpop()
        try Prerequisites.require(MpopBinary.ours.path, package: "(build it: swift build)")
        try Prerequisites.require("/usr/bin/unshare", package: "util-linux")
        try Prerequisites.require("/usr/bin/ip", package: "iproute2")
        try Prerequisites.require("/usr/bin/python3", package: "python3")
        let unshareOptions = try #require(PrivateNamespaces.networkAndMount)
        let dir = try TemporaryDirectory(prefix: "mpop-configure")
        let server = try dir.write("dns.py", Self.dnsServer)
        let resolv = try dir.write("resolv.conf", "nameserver 127.0.0.1\n", mode: 0o644)
        let script = try dir.write("run.sh", """
            #!/bin/sh
            mpop="$1"; shift
            ip link set lo up
            mount --bind \(resolv) /etc/resolv.conf
            /usr/bin/python3 \(server) "$@" > \(dir.path)/dns.log 2>&1 &
            pid=$!
            while ! grep -q ready \(dir.path)/dns.log 2>/dev/null; do sleep 0.05; done
            PATH="$MPOP_PATH" "$mpop" --configure="$ADDRESS"
            status=$?
            kill $pid
            exit $status

            """, mode: 0o755)
        let environment = ["HOME": home, "PATH": "/usr/sbin:/usr/bin:/bin", "LC_ALL": "C",
                           "ADDRESS": testCase.address, "MPOP_PATH": path]
        // Through sh rather than executed: a file just written can be busy
        // for exec while other tests fork.
        let result = try ProgramRunner.run("/usr/bin/unshare",
                                           unshareOptions + ["/bin/sh", script, binary.path] + testCase.records,
                                           environment: environment, timeout: 30)
        #expect(!result.timedOut && !(result.stdout + result.stderr).isEmpty, "\(binary.path) did nothing: \(result)")
        return result
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
