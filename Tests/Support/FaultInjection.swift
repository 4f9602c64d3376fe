import Foundation

/// Faults injected into a program from outside, through an `LD_PRELOAD`
/// library built on first use: chosen system calls on chosen files fail
/// with a chosen `errno`, the way a dying disk or a full quota makes them
/// fail. The program under test is the real binary, unchanged.
///
/// A call is a candidate when it acts on a path under ``pathPrefix`` (for
/// a descriptor, the path `/proc/self/fd` names). Candidates are counted
/// across all threads; the first ``skip`` succeed, the next ``count`` fail
/// (a negative count: all the rest), and the others succeed again.
public struct FaultInjection: Sendable {
    /// The system calls the library can make fail.
    public enum Call: String, Sendable, CaseIterable {
        case fsync, fdatasync, write, pwrite, rename, link, ftruncate
    }

    public var pathPrefix: String
    public var calls: Set<Call>
    public var skip: Int
    public var count: Int
    public var errno: Int32

    public init(pathPrefix: String, calls: Set<Call> = [.fsync, .fdatasync], skip: Int = 0,
                count: Int = 1, errno: Int32 = EIO) {
        self.pathPrefix = pathPrefix
        self.calls = calls
        self.skip = skip
        self.count = count
        self.errno = errno
    }

    /// The environment that makes a program run with these faults.
    public func environment() throws -> [String: String] {
        [
            "LD_PRELOAD": try Self.library(),
            // As /proc/self/fd names files: no "//", no symbolic links.
            "MPOP_FAULT_PATH": URL(fileURLWithPath: pathPrefix).resolvingSymlinksInPath().standardizedFileURL.path,
            "MPOP_FAULT_CALLS": calls.map(\.rawValue).sorted().joined(separator: ","),
            "MPOP_FAULT_SKIP": String(skip),
            "MPOP_FAULT_COUNT": String(count),
            "MPOP_FAULT_ERRNO": String(errno),
        ]
    }

    /// The library, built once (see ``PreloadLibrary``).
    public static func library() throws -> String {
        try PreloadLibrary.build(name: "mpop-faults", source: cSource)
    }

    private static let cSource = #"""
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <fcntl.h>
        #include <errno.h>
        #include <stdatomic.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/types.h>
        #include <unistd.h>

        static atomic_long candidates;

        static int chosen(const char *call) {
            const char *calls = getenv("MPOP_FAULT_CALLS");
            if (!calls) return 0;
            size_t length = strlen(call);
            for (const char *p = calls; (p = strstr(p, call)) != NULL; p += length) {
                if ((p == calls || p[-1] == ',') && (p[length] == ',' || p[length] == 0)) return 1;
            }
            return 0;
        }

        static int fails(const char *call, const char *path) {
            const char *prefix = getenv("MPOP_FAULT_PATH");
            if (!prefix || !path || !chosen(call)) return 0;
            if (strncmp(path, prefix, strlen(prefix)) != 0) return 0;
            long index = atomic_fetch_add(&candidates, 1);
            const char *skip = getenv("MPOP_FAULT_SKIP"), *count = getenv("MPOP_FAULT_COUNT");
            long s = skip ? atol(skip) : 0, c = count ? atol(count) : 1;
            if (index < s || (c >= 0 && index >= s + c)) return 0;
            const char *code = getenv("MPOP_FAULT_ERRNO");
            errno = code ? atoi(code) : EIO;
            return 1;
        }

        static int fd_fails(const char *call, int fd) {
            if (!chosen(call)) return 0;
            char link[64], target[4096];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            if (n < 0) return 0;
            target[n] = 0;
            return fails(call, target);
        }

        #define REAL(name) static __typeof__(name) *real; if (!real) real = dlsym(RTLD_NEXT, #name)

        int fsync(int fd) { REAL(fsync); return fd_fails("fsync", fd) ? -1 : real(fd); }
        int fdatasync(int fd) { REAL(fdatasync); return fd_fails("fdatasync", fd) ? -1 : real(fd); }
        ssize_t write(int fd, const void *b, size_t n) { REAL(write); return fd_fails("write", fd) ? -1 : real(fd, b, n); }
        ssize_t pwrite(int fd, const void *b, size_t n, off_t o) { REAL(pwrite); return fd_fails("pwrite", fd) ? -1 : real(fd, b, n, o); }
        ssize_t pwrite64(int fd, const void *b, size_t n, off_t o) { REAL(pwrite64); return fd_fails("pwrite", fd) ? -1 : real(fd, b, n, o); }
        int ftruncate(int fd, off_t l) { REAL(ftruncate); return fd_fails("ftruncate", fd) ? -1 : real(fd, l); }
        int ftruncate64(int fd, off_t l) { REAL(ftruncate64); return fd_fails("ftruncate", fd) ? -1 : real(fd, l); }
        static const char *at_path(int dirfd, const char *name, char *path, size_t size) {
            if (!name || name[0] == '/' || dirfd == AT_FDCWD) return name;
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
            ssize_t n = readlink(link, path, size - 2);
            if (n < 0) return name;
            path[n] = '/';
            path[n + 1] = 0;
            strncat(path, name, size - n - 2);
            return path;
        }

        int rename(const char *a, const char *b) { REAL(rename); return fails("rename", b) ? -1 : real(a, b); }
        int renameat(int d1, const char *a, int d2, const char *b) {
            REAL(renameat);
            char path[4096];
            return fails("rename", at_path(d2, b, path, sizeof path)) ? -1 : real(d1, a, d2, b);
        }
        int link(const char *a, const char *b) { REAL(link); return fails("link", b) ? -1 : real(a, b); }
        int linkat(int d1, const char *a, int d2, const char *b, int flags) {
            REAL(linkat);
            char path[4096];
            return fails("link", at_path(d2, b, path, sizeof path)) ? -1 : real(d1, a, d2, b, flags);
        }
        """#
}
