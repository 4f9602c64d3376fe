import Foundation

/// The APOP digest, MD5 of timestamp and password in lowercase hex,
/// computed by `/usr/bin/md5sum` so that the test server does not share
/// the MD5 code of the program under test.
enum APOPDigest {
    static func of(timestamp: String, password: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/md5sum")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        guard (try? process.run()) != nil else { return "md5sum (coreutils) is missing" }
        input.fileHandleForWriting.write(Data((timestamp + password).utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
