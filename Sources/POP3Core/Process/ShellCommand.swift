#if canImport(Glibc)
import Glibc
#endif

/// Runs a command through `/bin/sh -c` and reads the first line of its
/// output, as mpop's `popen` + `fgets` does for `eval` and `passwordeval`.
///
/// The child inherits stdin and stderr (so a `gpg` prompt still works and
/// its messages reach the user); its exit status is ignored, as mpop
/// ignores it.
public enum ShellCommand {
    public enum Failure: Error, Equatable {
        /// The command could not be started; the `strerror` text.
        case cannotStart(String)
        /// It wrote nothing at all before closing its output.
        case noOutput
    }

    /// The first line of the command's standard output, without its `\n` or
    /// `\r\n`. An empty first line gives `""`; no output at all is
    /// ``Failure/noOutput``.
    public static func firstLine(of command: String) throws(Failure) -> String {
        let readEnd: Int32, writeEnd: Int32
        switch Spawn.makePipe() {
        case .success(let ends): (readEnd, writeEnd) = ends
        case .failure(let error): throw .cannotStart(String(cString: strerror(error.errno)))
        }
        let started = Spawn.shell(command, stdout: .descriptor(writeEnd))
        // Only the child's stdout may keep the write end open, or EOF never comes.
        close(writeEnd)
        let pid: pid_t
        switch started {
        case .success(let child): pid = child
        case .failure(let error):
            close(readEnd)
            throw .cannotStart(String(cString: strerror(error.errno)))
        }

        var line: [UInt8] = []
        var sawAnything = false
        var endedWithNewline = false
        var byte: UInt8 = 0
        while true {
            let n = read(readEnd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            sawAnything = true
            if byte == UInt8(ascii: "\n") {
                endedWithNewline = true
                break
            }
            line.append(byte)
        }
        close(readEnd)
        _ = Spawn.reap(pid)

        guard sawAnything else { throw .noOutput }
        // mpop handles the line as a C string.
        if let nul = line.firstIndex(of: 0) {
            line.removeSubrange(nul...)
            endedWithNewline = false
        }
        // Like mpop, a `\r` goes only together with the `\n` after it.
        if endedWithNewline && line.last == UInt8(ascii: "\r") {
            line.removeLast()
        }
        return String(decoding: line, as: UTF8.self)
    }
}
