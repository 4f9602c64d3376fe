import Foundation
import Testing
import TestSupport

/// One `mpop --mda` run in a directory of its own, with a maildir `md`, an
/// Exchange pickup directory `ex` and the place for an mbox `mb` in it,
/// and what it left: output, exit status and delivered bytes, normalised
/// so that ours and mpop 1.4.23 can be compared (file names, the date of
/// `From ` lines, the program's path in getopt's messages).
struct MDARun: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    /// The files in `md/new` and `ex`, in name order.
    let maildir: [Data]
    let exchange: [Data]
    /// Files left in `md/tmp`.
    let maildirTmp: [String]
    /// The mbox with each `From ` line's date as `DATE`, or `nil` without one.
    let mbox: Data?
    /// Peak RSS in KiB, when measured.
    let peakKiB: Int?

    var description: String {
        "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)--- maildir \(maildir.map(\.count)), "
            + "tmp \(maildirTmp), exchange \(exchange.map(\.count)), mbox \(mbox.map { String($0.count) } ?? "none")"
    }

    /// Runs `binary` with `arguments` in a new directory; `stdin` is a file
    /// (or `/dev/null`); `mbox` is the mbox's contents before, if any;
    /// `prepare` may change the directory first.
    static func run(_ binary: MpopBinary, _ arguments: [String], stdin: String = "/dev/null",
                    mbox before: Data? = nil, measure: Bool = false,
                    prepare: (TemporaryDirectory) throws -> Void = { _ in }) throws -> MDARun {
        let directory = try TemporaryDirectory(prefix: "mpop-mda")
        _ = try directory.makeMaildir("md")
        _ = try directory.makeDirectory("ex")
        if let before { try directory.write("mb", before) }
        try prepare(directory)
        let out = directory.url("stdout"), err = directory.url("stderr"), rss = directory.url("rss")
        let environment = ["HOME": directory.path, "PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C",
                           "USER": "mpoptest", "TZ": "UTC"]
        let command = (measure ? ["/usr/bin/time", "-f", "%M", "-o", rss] : []) + [binary.path] + arguments
        let child = try ChildProcess(command[0], Array(command.dropFirst()), environment: environment, stdin: stdin,
                                     stdout: out, stderr: err, workingDirectory: directory.path)
        let (status, killed) = child.wait(timeout: 120)
        #expect(!killed, "\(binary.path) \(arguments) timed out")
        let files = FileManager.default
        func contents(_ relative: String) -> [Data] {
            let names = ((try? files.contentsOfDirectory(atPath: directory.url(relative))) ?? []).sorted()
            return names.compactMap { files.contents(atPath: directory.url(relative + "/" + $0)) }
        }
        let peak = measure ? (try? String(contentsOfFile: rss, encoding: .utf8))
            .flatMap { Int($0.split(separator: "\n").last ?? "") } : nil
        return MDARun(status: status,
                      stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: normalised(stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "",
                                         binary: binary),
                      maildir: contents("md/new"), exchange: contents("ex"),
                      maildirTmp: (try? files.contentsOfDirectory(atPath: directory.url("md/tmp"))) ?? [],
                      mbox: files.contents(atPath: directory.url("mb")).map(normalised(mbox:)),
                      peakKiB: peak)
    }

    /// getopt names the program by its path; a maildir file name has the time in it.
    static func normalised(stderr: String, binary: MpopBinary) -> String {
        var text = stderr.replacingOccurrences(of: binary.path + ":", with: "mpop:")
        text = text.replacingOccurrences(of: #"(tmp|new)/[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\.[^: ]*"#, with: "$1/NAME",
                                         options: .regularExpression)
        return text
    }

    /// `From SENDER Www Mmm dd hh:mm:ss yyyy` lines with `DATE` for the date.
    static func normalised(mbox: Data) -> Data {
        let pattern = try! NSRegularExpression(
            pattern: #"^(From [^\n]*) (Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}$"#,
            options: .anchorsMatchLines)
        // Latin-1 maps every byte to one character and back, whatever the mail holds.
        let text = String(data: mbox, encoding: .isoLatin1)!
        let replaced = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                        withTemplate: "$1 DATE")
        return replaced.data(using: .isoLatin1)!
    }

    /// Runs ours and mpop 1.4.23 alike and expects the same outcome.
    /// - Returns: ours, for further checks.
    @discardableResult
    static func expectSame(_ arguments: [String], stdin: String = "/dev/null", mbox: Data? = nil,
                           prepare: (TemporaryDirectory) throws -> Void = { _ in },
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> MDARun {
        let upstream = try MpopBinary.upstream()
        let ours = try run(.ours, arguments, stdin: stdin, mbox: mbox, prepare: prepare)
        let theirs = try run(upstream, arguments, stdin: stdin, mbox: mbox, prepare: prepare)
        let label = "\(arguments)\nours: \(ours)\n1.4.23: \(theirs)"
        #expect(ours.status == theirs.status, "\(label)", sourceLocation: sourceLocation)
        #expect(ours.stdout == theirs.stdout, "\(label)", sourceLocation: sourceLocation)
        #expect(ours.stderr == theirs.stderr, "\(label)", sourceLocation: sourceLocation)
        #expect(ours.maildir == theirs.maildir, "\(label)", sourceLocation: sourceLocation)
        #expect(ours.exchange == theirs.exchange, "\(label)", sourceLocation: sourceLocation)
        #expect(ours.mbox == theirs.mbox, "\(label)", sourceLocation: sourceLocation)
        #expect(ours.maildirTmp.isEmpty, "\(label)", sourceLocation: sourceLocation)
        return ours
    }
}
