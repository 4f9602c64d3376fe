import CSupport
import Foundation
import Testing
import TestSupport

/// The background fdatasync behind the UIDLs journal's durability markers.
@Suite struct BackgroundSyncTests {
    @Test func syncsAFileAndReportsNothing() throws {
        let dir = try TemporaryDirectory()
        let fd = open(dir.url("journal"), O_RDWR | O_CREAT | O_APPEND, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        let syncer = try #require(csupport_syncer_create(fd))
        for _ in 0..<50 {
            #expect(write(fd, "record\n", 7) == 7)
            #expect(csupport_syncer_request(syncer) == 0)
        }
        #expect(csupport_syncer_wait(syncer) == 0)
        #expect(csupport_syncer_destroy(syncer) == 0)
    }

    @Test func aFailedSyncIsReportedOnce() throws {
        // fdatasync on a pipe fails with EINVAL.
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let syncer = try #require(csupport_syncer_create(ends[1]))
        #expect(csupport_syncer_request(syncer) == 0)
        #expect(csupport_syncer_wait(syncer) == EINVAL)
        #expect(csupport_syncer_wait(syncer) == 0)
        // A failure not waited for comes with the next request, or at the end.
        #expect(csupport_syncer_request(syncer) == 0)
        #expect(csupport_syncer_destroy(syncer) == EINVAL)
    }

    @Test func leavesTheCallersSignalMaskAlone() throws {
        var before = sigset_t(), after = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &before)
        let syncer = try #require(csupport_syncer_create(STDERR_FILENO))
        pthread_sigmask(SIG_SETMASK, nil, &after)
        #expect(sigismember(&before, SIGINT) == sigismember(&after, SIGINT))
        #expect(sigismember(&before, SIGTERM) == sigismember(&after, SIGTERM))
        _ = csupport_syncer_destroy(syncer)
    }
}
