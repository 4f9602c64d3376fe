import POP3Core

/// `--debug`: the dialogue on stdout, `--> ` for each command and `<-- `
/// for each received line, bytes as they were (CRLF included), plus the TLS
/// block after each handshake. Unlike mpop, passwords, APOP digests and
/// SASL payloads are shown as `********` (see ``Command/debugText``).
final class DebugPrinter: DialogueObserver {
    let writeBytes: (UnsafeRawBufferPointer) -> Void

    init(writeBytes: @escaping (UnsafeRawBufferPointer) -> Void = { Console.writeAll($0, to: 1) }) {
        self.writeBytes = writeBytes
    }

    func sent(_ text: String) {
        emit("--> " + text + "\r\n")
    }

    func received(_ bytes: UnsafeRawBufferPointer, continuesLine: Bool) {
        if !continuesLine { emit("<-- ") }
        writeBytes(bytes)
    }

    func tlsEstablished(_ transport: any TLSTransport) {
        emit(TLSInfoText.text(sessionDescription: transport.sessionDescription,
                              certificate: transport.peerCertificate))
    }

    private func emit(_ text: String) {
        var text = text
        text.withUTF8 { writeBytes(UnsafeRawBufferPointer($0)) }
    }
}
