import Foundation
import Testing
import TestSupport

/// Beyond mpop 1.4.23: a huge mail is streamed (memory stays flat), and a
/// signal before the end of the input leaves nothing half-written, while
/// still ending the program as it ends mpop.
@Suite(.serialized) struct MDAModeStreamingTests {
    /// 50 MB with CRLF endings, `From ` lines in the body and no final
    /// newline, delivered to each method: the same bytes as 1.4.23, and a
    /// peak RSS far below the mail's size.
    @Test func fiftyMegabytesStreamThrough() throws {
        let inputs = try TemporaryDirectory(prefix: "mpop-mda-big")
        let path = inputs.url("mail")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        file.write(Data("Subject: big\r\n\r\n".utf8))
        var block = Data()
        for index in 0..<1000 {
            block.append(Data((index == 0 ? "From here\r\n" : String(repeating: "x", count: 76) + "\r\n").utf8))
        }
        for _ in 0..<(50_000_000 / block.count) { file.write(block) }
        file.write(Data("a last line without newline".utf8))
        try file.close()

        let upstream = try MpopBinary.upstream()
        for delivery in ["--delivery=maildir,md", "--delivery=mbox,mb", "--delivery=exchange,ex"] {
            let ours = try MDARun.run(.ours, ["--mda", delivery], stdin: path, measure: true)
            let theirs = try MDARun.run(upstream, ["--mda", delivery], stdin: path)
            #expect(ours.status == 0 && ours.stderr == "", "\(ours)")
            let delivered = ours.maildir + ours.exchange + (ours.mbox.map { [$0] } ?? [])
            #expect(delivered.count == 1 && delivered[0].count > 48_000_000, "\(ours)")
            #expect(ours.maildir == theirs.maildir, "\(delivery)")
            #expect(ours.exchange == theirs.exchange, "\(delivery)")
            #expect(ours.mbox == theirs.mbox, "\(delivery)")
            // A debug build idles at about 15 MiB; a slurped mail would add 50.
            let peak = try #require(ours.peakKiB, "no peak RSS from /usr/bin/time")
            #expect(peak < 40 * 1024, "peak RSS \(peak) KiB for a 50 MB mail with \(delivery)")
        }
        // An agent gets all of it too.
        let agent = try MDARun.run(.ours, ["--mda", "--delivery=mda,wc -c"], stdin: path, measure: true)
        let theirs = try MDARun.run(upstream, ["--mda", "--delivery=mda,wc -c"], stdin: path)
        #expect(agent.status == 0 && agent.stdout == theirs.stdout, "ours: \(agent)\n1.4.23: \(theirs)")
        #expect(try #require(agent.peakKiB) < 40 * 1024)
    }

    /// SIGTERM while the mail is still coming: no file is left in the
    /// maildir or pickup directory, the mbox is as it was, the agent never
    /// delivers; and the program dies of SIGTERM (status 143), as mpop does.
    @Test func signalMidMailLeavesNothing() throws {
        let before = Data("From old Thu Jan  1 00:00:00 1970\nold\n\n".utf8)
        for delivery in ["--delivery=maildir,md", "--delivery=mbox,mb", "--delivery=exchange,ex",
                         "--delivery=mda,cat > partial && mv partial agent-got-it"] {
            let directory = try TemporaryDirectory(prefix: "mpop-mda-signal")
            _ = try directory.makeMaildir("md")
            _ = try directory.makeDirectory("ex")
            try directory.write("mb", before)
            let fifo = directory.url("stdin")
            #expect(mkfifo(fifo, 0o600) == 0)
            // Open for reading and writing, which does not block, so that
            // the child's open for reading does not either.
            let writer = open(fifo, O_RDWR)
            #expect(writer >= 0)
            defer { close(writer) }
            let half = String(repeating: "half of a mail\r\n", count: 10_000)
            let child = try ChildProcess(MpopBinary.ours.path, ["--mda", delivery],
                                         environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin", "LC_ALL": "C"],
                                         stdin: fifo, stdout: directory.url("stdout"), stderr: directory.url("stderr"),
                                         workingDirectory: directory.path)
            _ = half.withCString { write(writer, $0, strlen($0)) }
            // Let it take what was written and wait for more.
            usleep(500_000)
            kill(child.pid, SIGTERM)
            let (status, killed) = child.wait(timeout: 30)
            #expect(!killed && status == 128 + SIGTERM, "\(delivery): status \(status)")
            let files = FileManager.default
            #expect(try files.contentsOfDirectory(atPath: directory.url("md/tmp")).isEmpty, "\(delivery)")
            #expect(try files.contentsOfDirectory(atPath: directory.url("md/new")).isEmpty, "\(delivery)")
            #expect(try files.contentsOfDirectory(atPath: directory.url("ex")).isEmpty, "\(delivery)")
            #expect(files.contents(atPath: directory.url("mb")) == before, "\(delivery)")
            #expect(!files.fileExists(atPath: directory.url("agent-got-it")), "\(delivery)")
            #expect((try? String(contentsOfFile: directory.url("stderr"), encoding: .utf8)) == "", "\(delivery)")
        }
    }
}
