import Foundation

/// A Debian package's files, fetched with `apt-get download` and unpacked
/// with `dpkg-deb -x` into the build folder, for a server the tests run but
/// whose package must not be installed: it would enable a system service,
/// or it conflicts with another server the tests need (every POP3 server
/// package provides and conflicts with `pop3-server`).
public enum UnpackedPackage {
    /// The folder holding `package`'s files (`FOLDER/usr/...`), unpacked
    /// on first use; `remedy` ends every error message.
    public static func folder(of package: String, remedy: String) throws(MessageFailure) -> String {
        // Beside our mpop in the build folder, which `swift package clean` empties.
        let cache = (MpopBinary.ours.path as NSString).deletingLastPathComponent + "/test-cache/" + package
        if !FileManager.default.fileExists(atPath: cache) {
            try unpack(package, into: cache, remedy: remedy)
        }
        return cache
    }

    /// Into a staging folder renamed into place, so that a half-unpacked
    /// cache is never used.
    private static func unpack(_ package: String, into cache: String, remedy: String) throws(MessageFailure) {
        let environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive"]
        do {
            let scratch = try TemporaryDirectory(prefix: "mpop-deb")
            func download() throws -> RunResult {
                try ProgramRunner.run("/usr/bin/apt-get", ["download", package], environment: environment,
                                      workingDirectory: scratch.path, timeout: 300)
            }
            var fetched = try download()
            if fetched.status != 0 && geteuid() == 0 {
                // A fresh machine may not have the package lists yet.
                _ = try ProgramRunner.run("/usr/bin/apt-get", ["update", "-qq"], environment: environment,
                                          timeout: 300)
                fetched = try download()
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
            guard fetched.status == 0, let deb = files.first(where: { $0.hasSuffix(".deb") }) else {
                throw MessageFailure("`apt-get download \(package)` failed (\(fetched)); \(remedy)")
            }
            try FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            let staging = cache + ".partial-\(getpid())"
            try? FileManager.default.removeItem(atPath: staging)
            let unpacked = try ProgramRunner.run("/usr/bin/dpkg-deb", ["-x", scratch.url(deb), staging],
                                                 environment: environment, timeout: 120)
            guard unpacked.status == 0 else {
                throw MessageFailure("`dpkg-deb -x \(deb)` failed (\(unpacked)); \(remedy)")
            }
            try? FileManager.default.removeItem(atPath: cache)
            guard rename(staging, cache) == 0 else {
                throw MessageFailure("cannot rename \(staging) to \(cache): \(String(cString: strerror(errno)))")
            }
        } catch let failure as MessageFailure {
            throw failure
        } catch {
            throw MessageFailure("cannot unpack \(package): \(error); \(remedy)")
        }
    }
}
