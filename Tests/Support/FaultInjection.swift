import Foundation

/// Faults injected into a program from outside, through an `LD_PRELOAD`
/// library built on first use: chosen system calls on chosen files fail
/// with a chosen `errno`, the way a dying disk or a full quota makes them
/// fail. The program under test is the real binary, unchanged.
///
/// A call is a candidate when it acts on a path under ``pathPrefix`` (for
/// a descriptor, the path `/proc/self/fd` names) and its kind is one of
/// ``calls``. Candidates are counted across all threads; the first
/// ``skip`` succeed, the next ``count`` fail (a negative count: all the
/// rest), and the others succeed again.
///
/// The library can also say what it saw: ``tallyFile`` receives the number
/// of candidates and of failures injected so far, and ``logFile`` one line
/// per call under the prefix, in the order the calls began (see
/// ``FaultLog``), with each `send(2)` (the POP3 commands) and, when
/// ``watchedFile`` is set, that file's content whenever it has changed.
/// With ``reserveErrno``, `posix_fallocate` fails too, so that the journal
/// appends with `pwrite`, whose faults can then be swept.
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
    /// Where the library keeps `CANDIDATES INJECTED`, rewritten after each
    /// candidate (see ``FaultTally``).
    public var tallyFile: String?
    /// Where the library appends one line per observed call (see ``FaultLog``).
    public var logFile: String?
    /// A file whose content (up to its trailing zero bytes) the log shows
    /// whenever it differs from what it showed last, checked as each logged
    /// call begins: the UIDLs journal, whose appends go through a memory
    /// mapping and so are no system calls.
    public var watchedFile: String?
    /// When set, `posix_fallocate` on files under the prefix fails with
    /// this `errno` (no candidate, never counted): a nearly full disk,
    /// where the journal cannot reserve room ahead and appends with
    /// `pwrite` instead of through its mapping.
    public var reserveErrno: Int32?

    public init(pathPrefix: String, calls: Set<Call> = [.fsync, .fdatasync], skip: Int = 0,
                count: Int = 1, errno: Int32 = EIO, tallyFile: String? = nil, logFile: String? = nil,
                watchedFile: String? = nil, reserveErrno: Int32? = nil) {
        self.pathPrefix = pathPrefix
        self.calls = calls
        self.skip = skip
        self.count = count
        self.errno = errno
        self.tallyFile = tallyFile
        self.logFile = logFile
        self.watchedFile = watchedFile
        self.reserveErrno = reserveErrno
    }

    /// The environment that makes a program run with these faults.
    public func environment() throws -> [String: String] {
        var environment = [
            "LD_PRELOAD": try Self.library(),
            // As /proc/self/fd names files: no "//", no symbolic links.
            "MPOP_FAULT_PATH": Self.resolved(pathPrefix),
            "MPOP_FAULT_CALLS": calls.map(\.rawValue).sorted().joined(separator: ","),
            "MPOP_FAULT_SKIP": String(skip),
            "MPOP_FAULT_COUNT": String(count),
            "MPOP_FAULT_ERRNO": String(errno),
        ]
        environment["MPOP_FAULT_TALLY"] = tallyFile
        environment["MPOP_FAULT_LOG"] = logFile
        environment["MPOP_FAULT_WATCH"] = watchedFile
        environment["MPOP_FAULT_RESERVE_ERRNO"] = reserveErrno.map { String($0) }
        return environment
    }

    /// `path` as `/proc/self/fd` names files, and so as the log shows them.
    public static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
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
        #include <limits.h>
        #include <pthread.h>
        #include <stdatomic.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <sys/syscall.h>
        #include <sys/types.h>
        #include <unistd.h>

        static atomic_long candidates, injected, sequence;
        /* Serialises the tally, the log and the watched file's last content. */
        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        static char *watched;
        static size_t watched_length;

        /* The library's own output goes through the system calls themselves,
         * never through its wrappers below. */
        static void put(int fd, const char *text, size_t length) {
            while (length > 0) {
                long n = syscall(SYS_write, fd, text, length);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    return;
                }
                text += n;
                length -= (size_t)n;
            }
        }

        static int chosen(const char *call) {
            const char *calls = getenv("MPOP_FAULT_CALLS");
            if (!calls) return 0;
            size_t length = strlen(call);
            for (const char *p = calls; (p = strstr(p, call)) != NULL; p += length) {
                if ((p == calls || p[-1] == ',') && (p[length] == ',' || p[length] == 0)) return 1;
            }
            return 0;
        }

        static int under_prefix(const char *path) {
            const char *prefix = getenv("MPOP_FAULT_PATH");
            return prefix && path && strncmp(path, prefix, strlen(prefix)) == 0;
        }

        /* Bytes as the log shows them: %XX for '%', tab, control bytes and
         * everything from 0x7f up. Returns a malloc'd string. */
        static char *escaped(const unsigned char *bytes, size_t length) {
            char *text = malloc(3 * length + 1), *out = text;
            if (!text) return NULL;
            for (size_t i = 0; i < length; i++) {
                unsigned char c = bytes[i];
                if (c < 0x20 || c >= 0x7f || c == '%') out += sprintf(out, "%%%02X", c);
                else *out++ = (char)c;
            }
            *out = 0;
            return text;
        }

        /* One log line: SEQ TID CALL INDEX ERRNO PATH PAYLOAD, tab-separated. */
        static void log_line(int fd, const char *call, long index, int code, const char *path,
                             const unsigned char *payload, size_t length) {
            char *text = escaped(payload, length);
            size_t size = 96 + strlen(call) + strlen(path) + (text ? strlen(text) : 0);
            char *line = malloc(size);
            if (line) {
                int n = snprintf(line, size, "%ld\t%ld\t%s\t%ld\t%d\t%s\t%s\n", atomic_fetch_add(&sequence, 1),
                                 (long)syscall(SYS_gettid), call, index, code, path, text ? text : "");
                if (n > 0) put(fd, line, (size_t)n < size ? (size_t)n : size - 1);
            }
            free(line);
            free(text);
        }

        /* Logs the watched file's content when it changed since last logged. */
        static void log_watched(int fd) {
            const char *path = getenv("MPOP_FAULT_WATCH");
            if (!path) return;
            size_t capacity = 65536, length = 0;
            unsigned char *data = malloc(capacity);
            if (!data) return;
            int file = open(path, O_RDONLY | O_CLOEXEC);
            while (file >= 0) {
                if (length == capacity) {
                    unsigned char *bigger = realloc(data, capacity *= 2);
                    if (!bigger) break;
                    data = bigger;
                }
                ssize_t n = read(file, data + length, capacity - length);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                length += (size_t)n;
            }
            if (file >= 0) close(file);
            while (length > 0 && data[length - 1] == 0) length--;
            if (length == watched_length && (length == 0 || memcmp(data, watched, length) == 0)) {
                free(data);
                return;
            }
            free(watched);
            watched = (char *)data;
            watched_length = length;
            log_line(fd, "watch", -1, 0, path, data, length);
        }

        /* Writes the tally: candidates and failures injected so far. */
        static void write_tally(void) {
            const char *path = getenv("MPOP_FAULT_TALLY");
            if (!path) return;
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd < 0) return;
            char text[64];
            int n = snprintf(text, sizeof text, "%ld %ld\n", atomic_load(&candidates), atomic_load(&injected));
            put(fd, text, (size_t)n);
            close(fd);
        }

        /* Logs a call about to begin (the watched file first). */
        static void note(const char *call, long index, int code, const char *path,
                         const unsigned char *payload, size_t length) {
            const char *log = getenv("MPOP_FAULT_LOG");
            if (!log) return;
            int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
            if (fd < 0) return;
            log_watched(fd);
            log_line(fd, call, index, code, path, payload, length);
            close(fd);
        }

        /* The Message-ID in a buffer written to a file, if any: which
         * message a write belongs to. */
        static size_t message_id(const unsigned char *bytes, size_t length, const unsigned char **found) {
            static const char key[] = "Message-ID: ";
            if (!bytes) return 0;
            const unsigned char *start = memmem(bytes, length, key, sizeof key - 1);
            if (!start) return 0;
            start += sizeof key - 1;
            const unsigned char *end = start;
            while (end < bytes + length && *end != '\n' && *end != '\r') end++;
            *found = start;
            return (size_t)(end - start);
        }

        /* Whether this call on `path` must fail; sets errno then. Logs it. */
        static int fails(const char *call, const char *path, const void *bytes, size_t length) {
            if (!under_prefix(path)) return 0;
            int saved = errno, code = 0;
            long index = -1;
            pthread_mutex_lock(&lock);
            if (chosen(call)) {
                index = atomic_fetch_add(&candidates, 1);
                const char *skip = getenv("MPOP_FAULT_SKIP"), *count = getenv("MPOP_FAULT_COUNT");
                long s = skip ? atol(skip) : 0, c = count ? atol(count) : 1;
                if (index >= s && (c < 0 || index < s + c)) {
                    const char *errno_text = getenv("MPOP_FAULT_ERRNO");
                    code = errno_text ? atoi(errno_text) : EIO;
                    atomic_fetch_add(&injected, 1);
                }
                write_tally();
            }
            const unsigned char *id = NULL;
            size_t id_length = message_id(bytes, length, &id);
            note(call, index, code, path, id, id_length);
            pthread_mutex_unlock(&lock);
            errno = code ? code : saved;
            return code != 0;
        }

        static int fd_fails(const char *call, int fd, const void *bytes, size_t length) {
            if (!chosen(call) && !getenv("MPOP_FAULT_LOG")) return 0;
            int saved = errno;
            char link[64], target[4096];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            errno = saved;
            if (n < 0) return 0;
            target[n] = 0;
            return fails(call, target, bytes, length);
        }

        #define REAL(name) static __typeof__(name) *real; if (!real) real = dlsym(RTLD_NEXT, #name)

        int fsync(int fd) { REAL(fsync); return fd_fails("fsync", fd, NULL, 0) ? -1 : real(fd); }
        int fdatasync(int fd) { REAL(fdatasync); return fd_fails("fdatasync", fd, NULL, 0) ? -1 : real(fd); }
        ssize_t write(int fd, const void *b, size_t n) { REAL(write); return fd_fails("write", fd, b, n) ? -1 : real(fd, b, n); }
        ssize_t pwrite(int fd, const void *b, size_t n, off_t o) { REAL(pwrite); return fd_fails("pwrite", fd, b, n) ? -1 : real(fd, b, n, o); }
        ssize_t pwrite64(int fd, const void *b, size_t n, off_t o) { REAL(pwrite64); return fd_fails("pwrite", fd, b, n) ? -1 : real(fd, b, n, o); }
        int ftruncate(int fd, off_t l) { REAL(ftruncate); return fd_fails("ftruncate", fd, NULL, 0) ? -1 : real(fd, l); }
        int ftruncate64(int fd, off_t l) { REAL(ftruncate64); return fd_fails("ftruncate", fd, NULL, 0) ? -1 : real(fd, l); }

        /* posix_fallocate on a file under the prefix fails with
         * MPOP_FAULT_RESERVE_ERRNO when set (no candidate): a file system
         * that cannot reserve space ahead, or a nearly full disk. */
        static int reserve_fails(int fd) {
            const char *code_text = getenv("MPOP_FAULT_RESERVE_ERRNO");
            if (!code_text && !getenv("MPOP_FAULT_LOG")) return 0;
            int saved = errno;
            char link[64], target[4096];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            errno = saved;
            if (n < 0) return 0;
            target[n] = 0;
            if (!under_prefix(target)) return 0;
            int code = code_text ? atoi(code_text) : 0;
            pthread_mutex_lock(&lock);
            note("fallocate", -1, code, target, NULL, 0);
            pthread_mutex_unlock(&lock);
            errno = saved;
            return code;
        }

        int posix_fallocate(int fd, off_t o, off_t l) {
            REAL(posix_fallocate);
            int code = reserve_fails(fd);
            return code ? code : real(fd, o, l);
        }
        int posix_fallocate64(int fd, off_t o, off_t l) {
            REAL(posix_fallocate64);
            int code = reserve_fails(fd);
            return code ? code : real(fd, o, l);
        }

        /* Never fails; logged with what it sends (the POP3 commands, when
         * the connection is not encrypted). */
        ssize_t send(int fd, const void *b, size_t n, int flags) {
            REAL(send);
            const char *log = getenv("MPOP_FAULT_LOG");
            if (log) {
                int saved = errno;
                pthread_mutex_lock(&lock);
                int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
                if (out >= 0) {
                    log_watched(out);
                    log_line(out, "send", -1, 0, "socket", b, n);
                    close(out);
                }
                pthread_mutex_unlock(&lock);
                errno = saved;
            }
            return real(fd, b, n, flags);
        }

        /* A path as /proc/self/fd would name it: its directory resolved
         * (no "//", no symbolic links, relative to the working directory or
         * to `dirfd`), then the last component. */
        static const char *canonical(int dirfd, const char *name, char *path, size_t size) {
            if (!name) return name;
            char joined[4096], directory[4096];
            if (name[0] != '/' && dirfd != AT_FDCWD) {
                char link[64];
                snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
                ssize_t n = readlink(link, joined, sizeof joined - 2);
                if (n < 0) return name;
                joined[n] = '/';
                joined[n + 1] = 0;
                strncat(joined, name, sizeof joined - n - 2);
            } else {
                snprintf(joined, sizeof joined, "%s", name);
            }
            char *slash = strrchr(joined, '/');
            const char *base = slash ? slash + 1 : joined;
            if (slash == joined) snprintf(directory, sizeof directory, "/");
            else if (slash) snprintf(directory, sizeof directory, "%.*s", (int)(slash - joined), joined);
            else snprintf(directory, sizeof directory, ".");
            char resolved[PATH_MAX];
            if (!realpath(directory, resolved)) {
                snprintf(path, size, "%s", joined);
                return path;
            }
            snprintf(path, size, "%s%s%s", resolved, strcmp(resolved, "/") == 0 ? "" : "/", base);
            return path;
        }

        int rename(const char *a, const char *b) {
            REAL(rename);
            char path[4096];
            return fails("rename", canonical(AT_FDCWD, b, path, sizeof path), NULL, 0) ? -1 : real(a, b);
        }
        int renameat(int d1, const char *a, int d2, const char *b) {
            REAL(renameat);
            char path[4096];
            return fails("rename", canonical(d2, b, path, sizeof path), NULL, 0) ? -1 : real(d1, a, d2, b);
        }
        int link(const char *a, const char *b) {
            REAL(link);
            char path[4096];
            return fails("link", canonical(AT_FDCWD, b, path, sizeof path), NULL, 0) ? -1 : real(a, b);
        }
        int linkat(int d1, const char *a, int d2, const char *b, int flags) {
            REAL(linkat);
            char path[4096];
            return fails("link", canonical(d2, b, path, sizeof path), NULL, 0) ? -1 : real(d1, a, d2, b, flags);
        }
        """#
}
