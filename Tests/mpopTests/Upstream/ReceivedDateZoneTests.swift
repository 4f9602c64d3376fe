import Foundation
import Testing
import TestSupport

/// The Received header's time-zone offset is the C library's `%z` at any
/// date, as in mpop 1.4.19 and later. mpop 1.4.18 computes it by hand and
/// goes wrong when local time and UTC are in different years: `-9900` in
/// Berlin just after New Year, `+9930` in St. John's just before.
@Suite struct ReceivedDateZoneTests {
    static let transcript = Transcript.oneMessageRetrievedAndDeleted

    /// Seconds around New Year 2027 and the 2027 DST changes in both zones.
    static let moments: [(zone: String, seconds: Int)] = [
        ("Europe/Berlin", 1_798_759_800),     // 2026-12-31 23:30 UTC, 00:30 local on 1 January
        ("Europe/Berlin", 1_806_195_599),     // the last second of CET, 28 March
        ("Europe/Berlin", 1_806_195_600),     // the first second of CEST
        ("America/St_Johns", 1_798_768_800),  // 2027-01-01 02:00 UTC, 22:30 local on 31 December
        ("America/St_Johns", 1_805_002_199),  // the last second of NST, 14 March
        ("America/St_Johns", 1_805_002_200),  // the first second of NDT
    ]

    /// The date at the end of the Received header that `binary` writes at
    /// `seconds` in `zone`.
    static func receivedDate(_ binary: MpopBinary, zone: String, seconds: Int) throws -> String {
        let home = try TemporaryDirectory(prefix: "mpop-zone")
        let maildir = try home.makeMaildir("Mail")
        let server = try ScriptedServer(transcript)
        var environment = try FixedClock.environment(seconds: seconds)
        environment["TZ"] = zone
        let result = try binary.run(["--host=127.0.0.1", "--port=\(server.port)", "--tls=off", "--user=joe",
                                     "--passwordeval=echo pw", "--auth=user", "--delivery=maildir,\(maildir)", "-q"],
                                    home: home.path, environment: environment, timeout: 30)
        #expect(result.status == 0, "\(binary.path): \(result)")
        #expect(server.finish().isEmpty, "\(binary.path)")
        let files = try FileManager.default.contentsOfDirectory(atPath: maildir + "/new")
        guard let file = files.first else { return "" }
        let mail = try String(contentsOfFile: maildir + "/new/" + file, encoding: .utf8)
        let line = mail.split(separator: "\n").first { $0.hasPrefix("\tfor <") } ?? ""
        return line.split(separator: "; ", maxSplits: 1).last.map { String($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? ""
    }

    /// `strftime` with mpop's format, from date(1) in the C locale.
    static func strftime(zone: String, seconds: Int) throws -> String {
        let result = try ProgramRunner.run("/bin/date", ["-d", "@\(seconds)", "+%a, %d %b %Y %T %z"],
                                           environment: ["TZ": zone, "LC_ALL": "C"])
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    @Test(arguments: moments.indices)
    func offsetIsTheCLibrarys(index: Int) throws {
        let (zone, seconds) = Self.moments[index]
        let expected = try Self.strftime(zone: zone, seconds: seconds)
        #expect(try Self.receivedDate(.ours, zone: zone, seconds: seconds) == expected)
        #expect(try Self.receivedDate(try .upstream(), zone: zone, seconds: seconds) == expected, "1.4.23")
    }

    @Test func referenceGoesWrongAroundNewYear() throws {
        #expect(try Self.receivedDate(.reference, zone: "Europe/Berlin", seconds: 1_798_759_800)
                == "Fri, 01 Jan 2027 00:30:00 -9900")
        #expect(try Self.receivedDate(.reference, zone: "America/St_Johns", seconds: 1_798_768_800)
                == "Thu, 31 Dec 2026 22:30:00 +9930")
    }
}
