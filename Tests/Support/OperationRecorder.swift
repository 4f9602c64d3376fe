import Foundation

/// Records what a program does to the files under a directory, through an
/// `LD_PRELOAD` library built on first use (see ``PreloadLibrary``): every
/// change a crash could lose, in the order the calls completed, with the
/// data of each write, so that ``CrashStates`` can build what a power loss
/// at any moment could leave on the disk. The program is the real binary,
/// unchanged.
///
/// What is recorded, for paths under ``pathPrefix`` (descriptors by the path
/// `/proc/self/fd` names): files created (`open`, `openat` with `O_CREAT`,
/// `mkstemp`), truncated on open (`O_TRUNC`), written (`write`, `pwrite`),
/// cut or grown (`ftruncate`, `posix_fallocate`, `fallocate`), `link`,
/// `rename`, `unlink` (and their `*at` forms), `mkdir`, and the syncs:
/// `fsync` and `fdatasync` of files and directories, and `sync`, each
/// twice, when it starts and when it returns (a sync covers only what was
/// recorded before it started). A mutex orders each change and its record
/// against the start of a sync in another thread.
///
/// A shared writable mapping of a recorded file cannot be recorded (its
/// stores are not calls), so `mmap` refuses one with `ENODEV`: the journal
/// (``MappedAppender`` in POP3Core) then appends with `pwrite`, its
/// documented fallback for file systems that cannot map.
///
/// The library also notes, on sockets, the `send` that carries `QUIT` and
/// the first `recv` with data after it: what the server may have done at a
/// crash depends on whether its QUIT came, and was answered. With
/// ``bootIDFile``, reading `/proc/sys/kernel/random/boot_id` reads that file
/// instead, so a later run can be told it is in another boot, or the same;
/// with ``procStatFile``, reading `/proc/stat` (whose `btime` line says when
/// the machine booted) reads that file.
public struct OperationRecorder: Sendable {
    /// Where the records go (appended; one `write` per record).
    public var logFile: String?
    public var pathPrefix: String?
    /// A file that replaces the kernel's boot id for the program.
    public var bootIDFile: String?
    /// A file that replaces `/proc/stat` for the program.
    public var procStatFile: String?

    public init(logFile: String?, pathPrefix: String?, bootIDFile: String? = nil, procStatFile: String? = nil) {
        self.logFile = logFile
        self.pathPrefix = pathPrefix
        self.bootIDFile = bootIDFile
        self.procStatFile = procStatFile
    }

    /// The environment that makes a program run recorded.
    public func environment() throws -> [String: String] {
        var environment = ["LD_PRELOAD": try Self.library()]
        if let logFile, let pathPrefix {
            environment["MPOP_RECORD_LOG"] = logFile
            // As /proc/self/fd names files: no "//", no symbolic links.
            environment["MPOP_RECORD_PATH"] = Self.resolved(pathPrefix)
        }
        if let bootIDFile {
            environment["MPOP_BOOT_ID_FILE"] = bootIDFile
        }
        if let procStatFile {
            environment["MPOP_PROC_STAT_FILE"] = procStatFile
        }
        return environment
    }

    /// `path` with symbolic links resolved, as the kernel names it.
    public static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The library, built once (see ``PreloadLibrary``).
    public static func library() throws -> String {
        try PreloadLibrary.build(name: "mpop-recorder", source: cSource)
    }

    private static let cSource = #"""
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <limits.h>
        #include <pthread.h>
        #include <stdarg.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/mman.h>
        #include <sys/socket.h>
        #include <sys/stat.h>
        #include <sys/types.h>
        #include <unistd.h>

        #define REAL(name) static __typeof__(name) *real_##name; \
            if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        static int log_fd = -1;
        static long sync_count;
        static int quit_socket = -1;

        /* One record: a header line, then `size` bytes of data, in one write. */
        static void emit(const char *data, size_t size, const char *format, ...) {
            REAL(write);
            REAL(open);
            if (log_fd < 0) {
                const char *path = getenv("MPOP_RECORD_LOG");
                if (!path) return;
                log_fd = real_open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
                if (log_fd < 0) return;
            }
            char header[3 * PATH_MAX];
            va_list arguments;
            va_start(arguments, format);
            int length = vsnprintf(header, sizeof header, format, arguments);
            va_end(arguments);
            if (length < 0 || (size_t)length >= sizeof header) return;
            char *record = malloc(length + size);
            if (!record) return;
            memcpy(record, header, length);
            if (size) memcpy(record + length, data, size);
            size_t done = 0;
            while (done < length + size) {
                ssize_t n = real_write(log_fd, record + done, length + size - done);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                done += n;
            }
            free(record);
        }

        static int under_prefix(const char *path) {
            const char *prefix = getenv("MPOP_RECORD_PATH");
            if (!prefix || !path) return 0;
            size_t length = strlen(prefix);
            return strncmp(path, prefix, length) == 0 && (path[length] == '/' || path[length] == 0);
        }

        /* The absolute path of `name` relative to `dirfd` (or the working
           directory), as the kernel names it: its directory with symbolic
           links, "//", "." and ".." resolved (the name itself as it is). */
        static const char *at_path(int dirfd, const char *name, char *path, size_t size) {
            if (!name) return NULL;
            char joined[PATH_MAX];
            if (name[0] == '/') {
                snprintf(joined, sizeof joined, "%s", name);
            } else {
                ssize_t n;
                if (dirfd == AT_FDCWD) {
                    if (!getcwd(joined, sizeof joined - 2)) return name;
                    n = strlen(joined);
                } else {
                    char link[64];
                    snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
                    n = readlink(link, joined, sizeof joined - 2);
                    if (n < 0) return name;
                }
                joined[n] = '/';
                joined[n + 1] = 0;
                strncat(joined, name, sizeof joined - n - 2);
            }
            char *slash = strrchr(joined, '/');
            char directory[PATH_MAX];
            *slash = 0;
            if (!realpath(joined[0] ? joined : "/", directory)) {
                *slash = '/';
                snprintf(path, size, "%s", joined);
                return path;
            }
            snprintf(path, size, "%s/%s", strcmp(directory, "/") == 0 ? "" : directory, slash + 1);
            return path;
        }

        /* The path a descriptor names, if it is under the prefix. */
        static int fd_path(int fd, char *path, size_t size) {
            if (!getenv("MPOP_RECORD_PATH")) return 0;
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, path, size - 1);
            if (n < 0) return 0;
            path[n] = 0;
            return under_prefix(path);
        }

        static unsigned long parent_inode(const char *path) {
            char parent[PATH_MAX];
            strncpy(parent, path, sizeof parent - 1);
            parent[sizeof parent - 1] = 0;
            char *slash = strrchr(parent, '/');
            if (!slash) return 0;
            if (slash == parent) slash[1] = 0; else *slash = 0;
            struct stat info;
            return stat(parent, &info) == 0 ? (unsigned long)info.st_ino : 0;
        }

        static const char *base_name(const char *path) {
            const char *slash = strrchr(path, '/');
            return slash ? slash + 1 : path;
        }

        /* What an open that may create a file did: `existed` before the call. */
        static void opened(int fd, const char *path, int flags, int existed) {
            if (fd < 0 || !under_prefix(path)) return;
            struct stat info;
            if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return;
            if (!existed) {
                emit(NULL, 0, "create %lu %lu %o %s\n", (unsigned long)info.st_ino, parent_inode(path),
                     (unsigned)(info.st_mode & 07777), base_name(path));
            } else if (flags & O_TRUNC) {
                emit(NULL, 0, "truncate %lu 0\n", (unsigned long)info.st_ino);
            }
        }

        static const char *boot_id_path(const char *path) {
            const char *file = getenv("MPOP_BOOT_ID_FILE");
            if (file && path && strcmp(path, "/proc/sys/kernel/random/boot_id") == 0) return file;
            file = getenv("MPOP_PROC_STAT_FILE");
            if (file && path && strcmp(path, "/proc/stat") == 0) return file;
            return path;
        }

        static int exists(const char *path) {
            struct stat info;
            return lstat(path, &info) == 0;
        }

        int open(const char *name, int flags, ...) {
            REAL(open);
            mode_t mode = 0;
            if (flags & (O_CREAT | O_TMPFILE)) {
                va_list arguments;
                va_start(arguments, flags);
                mode = va_arg(arguments, mode_t);
                va_end(arguments);
            }
            name = boot_id_path(name);
            char buffer[PATH_MAX];
            const char *path = at_path(AT_FDCWD, name, buffer, sizeof buffer);
            if (!under_prefix(path) || !(flags & (O_CREAT | O_TRUNC))) return real_open(name, flags, mode);
            pthread_mutex_lock(&lock);
            int existed = exists(path);
            int fd = real_open(name, flags, mode);
            opened(fd, path, flags, existed);
            pthread_mutex_unlock(&lock);
            return fd;
        }

        int open64(const char *name, int flags, ...) {
            mode_t mode = 0;
            if (flags & (O_CREAT | O_TMPFILE)) {
                va_list arguments;
                va_start(arguments, flags);
                mode = va_arg(arguments, mode_t);
                va_end(arguments);
            }
            return open(name, flags, mode);
        }

        int openat(int dirfd, const char *name, int flags, ...) {
            REAL(openat);
            mode_t mode = 0;
            if (flags & (O_CREAT | O_TMPFILE)) {
                va_list arguments;
                va_start(arguments, flags);
                mode = va_arg(arguments, mode_t);
                va_end(arguments);
            }
            name = boot_id_path(name);
            char buffer[PATH_MAX];
            const char *path = at_path(dirfd, name, buffer, sizeof buffer);
            if (!under_prefix(path) || !(flags & (O_CREAT | O_TRUNC))) return real_openat(dirfd, name, flags, mode);
            pthread_mutex_lock(&lock);
            int existed = exists(path);
            int fd = real_openat(dirfd, name, flags, mode);
            opened(fd, path, flags, existed);
            pthread_mutex_unlock(&lock);
            return fd;
        }

        int openat64(int dirfd, const char *name, int flags, ...) {
            mode_t mode = 0;
            if (flags & (O_CREAT | O_TMPFILE)) {
                va_list arguments;
                va_start(arguments, flags);
                mode = va_arg(arguments, mode_t);
                va_end(arguments);
            }
            return openat(dirfd, name, flags, mode);
        }

        int creat(const char *name, mode_t mode) {
            return open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
        }

        int mkstemp(char *template) {
            REAL(mkstemp);
            pthread_mutex_lock(&lock);
            int fd = real_mkstemp(template);
            if (fd >= 0) {
                char buffer[PATH_MAX];
                opened(fd, at_path(AT_FDCWD, template, buffer, sizeof buffer), O_CREAT, 0);
            }
            pthread_mutex_unlock(&lock);
            return fd;
        }

        static int regular_under_prefix(int fd, unsigned long *inode) {
            char path[PATH_MAX];
            if (!fd_path(fd, path, sizeof path)) return 0;
            struct stat info;
            if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) return 0;
            *inode = info.st_ino;
            return 1;
        }

        ssize_t write(int fd, const void *data, size_t size) {
            REAL(write);
            unsigned long inode;
            if (!regular_under_prefix(fd, &inode)) return real_write(fd, data, size);
            pthread_mutex_lock(&lock);
            ssize_t n = real_write(fd, data, size);
            if (n > 0) {
                off_t end = lseek(fd, 0, SEEK_CUR);
                emit(data, n, "write %lu %lld %zd\n", inode, (long long)(end - n), n);
            }
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return n;
        }

        static ssize_t recorded_pwrite(ssize_t (*real)(int, const void *, size_t, off_t),
                                       int fd, const void *data, size_t size, off_t offset) {
            unsigned long inode;
            if (!regular_under_prefix(fd, &inode)) return real(fd, data, size, offset);
            pthread_mutex_lock(&lock);
            ssize_t n = real(fd, data, size, offset);
            if (n > 0) emit(data, n, "write %lu %lld %zd\n", inode, (long long)offset, n);
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return n;
        }

        ssize_t pwrite(int fd, const void *data, size_t size, off_t offset) {
            REAL(pwrite);
            return recorded_pwrite(real_pwrite, fd, data, size, offset);
        }

        ssize_t pwrite64(int fd, const void *data, size_t size, off_t offset) {
            REAL(pwrite64);
            return recorded_pwrite(real_pwrite64, fd, data, size, offset);
        }

        static int recorded_ftruncate(int (*real)(int, off_t), int fd, off_t length) {
            unsigned long inode;
            if (!regular_under_prefix(fd, &inode)) return real(fd, length);
            pthread_mutex_lock(&lock);
            int result = real(fd, length);
            if (result == 0) emit(NULL, 0, "truncate %lu %lld\n", inode, (long long)length);
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return result;
        }

        int ftruncate(int fd, off_t length) { REAL(ftruncate); return recorded_ftruncate(real_ftruncate, fd, length); }
        int ftruncate64(int fd, off_t length) { REAL(ftruncate64); return recorded_ftruncate(real_ftruncate64, fd, length); }

        /* posix_fallocate returns an error number instead of setting errno. */
        static int recorded_posix_fallocate(int (*real)(int, off_t, off_t), int fd, off_t offset, off_t length) {
            unsigned long inode;
            if (!regular_under_prefix(fd, &inode)) return real(fd, offset, length);
            pthread_mutex_lock(&lock);
            int result = real(fd, offset, length);
            if (result == 0) emit(NULL, 0, "allocate %lu %lld %lld\n", inode, (long long)offset, (long long)length);
            pthread_mutex_unlock(&lock);
            return result;
        }

        int posix_fallocate(int fd, off_t offset, off_t length) {
            REAL(posix_fallocate);
            return recorded_posix_fallocate(real_posix_fallocate, fd, offset, length);
        }

        int posix_fallocate64(int fd, off_t offset, off_t length) {
            REAL(posix_fallocate64);
            return recorded_posix_fallocate(real_posix_fallocate64, fd, offset, length);
        }

        int fallocate(int fd, int mode, off_t offset, off_t length) {
            REAL(fallocate);
            unsigned long inode;
            if (!regular_under_prefix(fd, &inode)) return real_fallocate(fd, mode, offset, length);
            pthread_mutex_lock(&lock);
            int result = real_fallocate(fd, mode, offset, length);
            /* Only plain allocation grows the file; the other modes are not used. */
            if (result == 0 && mode == 0)
                emit(NULL, 0, "allocate %lu %lld %lld\n", inode, (long long)offset, (long long)length);
            else if (result == 0)
                emit(NULL, 0, "unsupported fallocate-mode-%d %lu\n", mode, inode);
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return result;
        }

        /* A sync covers what was recorded before its start record. */
        static int recorded_sync(int (*real)(int), const char *kind, int fd) {
            char path[PATH_MAX];
            struct stat info;
            if (!fd_path(fd, path, sizeof path) || fstat(fd, &info) != 0
                || !(S_ISREG(info.st_mode) || S_ISDIR(info.st_mode)))
                return real(fd);
            pthread_mutex_lock(&lock);
            long id = ++sync_count;
            emit(NULL, 0, "syncstart %d.%ld %s %lu\n", (int)getpid(), id, kind, (unsigned long)info.st_ino);
            pthread_mutex_unlock(&lock);
            int result = real(fd);
            int saved = errno;
            pthread_mutex_lock(&lock);
            emit(NULL, 0, "syncend %d.%ld %d\n", (int)getpid(), id, result == 0 ? 0 : saved);
            pthread_mutex_unlock(&lock);
            errno = saved;
            return result;
        }

        int fsync(int fd) { REAL(fsync); return recorded_sync(real_fsync, "fsync", fd); }
        int fdatasync(int fd) { REAL(fdatasync); return recorded_sync(real_fdatasync, "fdatasync", fd); }

        void sync(void) {
            REAL(sync);
            if (!getenv("MPOP_RECORD_PATH")) { real_sync(); return; }
            pthread_mutex_lock(&lock);
            long id = ++sync_count;
            emit(NULL, 0, "syncstart %d.%ld sync 0\n", (int)getpid(), id);
            pthread_mutex_unlock(&lock);
            real_sync();
            pthread_mutex_lock(&lock);
            emit(NULL, 0, "syncend %d.%ld 0\n", (int)getpid(), id);
            pthread_mutex_unlock(&lock);
        }

        static unsigned long inode_of(const char *path) {
            struct stat info;
            return lstat(path, &info) == 0 ? (unsigned long)info.st_ino : 0;
        }

        static int recorded_link(int (*call)(void *), void *context, const char *from, const char *to) {
            if (!under_prefix(from) && !under_prefix(to)) return call(context);
            pthread_mutex_lock(&lock);
            int result = call(context);
            if (result == 0) {
                emit(NULL, 0, "link %lu %lu %s\n", inode_of(to), parent_inode(to), base_name(to));
            }
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return result;
        }

        struct link_call { int d1; const char *a; int d2; const char *b; int flags; };
        static int call_link(void *c) { REAL(link); struct link_call *l = c; return real_link(l->a, l->b); }
        static int call_linkat(void *c) {
            REAL(linkat);
            struct link_call *l = c;
            return real_linkat(l->d1, l->a, l->d2, l->b, l->flags);
        }

        int link(const char *a, const char *b) {
            char p1[PATH_MAX], p2[PATH_MAX];
            struct link_call c = {AT_FDCWD, a, AT_FDCWD, b, 0};
            return recorded_link(call_link, &c, at_path(AT_FDCWD, a, p1, sizeof p1), at_path(AT_FDCWD, b, p2, sizeof p2));
        }

        int linkat(int d1, const char *a, int d2, const char *b, int flags) {
            char p1[PATH_MAX], p2[PATH_MAX];
            struct link_call c = {d1, a, d2, b, flags};
            return recorded_link(call_linkat, &c, at_path(d1, a, p1, sizeof p1), at_path(d2, b, p2, sizeof p2));
        }

        static int recorded_rename(int (*call)(void *), void *context, const char *from, const char *to) {
            if (!under_prefix(from) && !under_prefix(to)) return call(context);
            pthread_mutex_lock(&lock);
            unsigned long moved = inode_of(from), from_parent = parent_inode(from);
            int result = call(context);
            if (result == 0) {
                emit(NULL, 0, "rename %lu %lu %lu %s\t%s\n", moved, from_parent, parent_inode(to),
                     base_name(from), base_name(to));
            }
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return result;
        }

        static int call_rename(void *c) { REAL(rename); struct link_call *l = c; return real_rename(l->a, l->b); }
        static int call_renameat(void *c) {
            REAL(renameat);
            struct link_call *l = c;
            return real_renameat(l->d1, l->a, l->d2, l->b);
        }

        int rename(const char *a, const char *b) {
            char p1[PATH_MAX], p2[PATH_MAX];
            struct link_call c = {AT_FDCWD, a, AT_FDCWD, b, 0};
            return recorded_rename(call_rename, &c, at_path(AT_FDCWD, a, p1, sizeof p1), at_path(AT_FDCWD, b, p2, sizeof p2));
        }

        int renameat(int d1, const char *a, int d2, const char *b) {
            char p1[PATH_MAX], p2[PATH_MAX];
            struct link_call c = {d1, a, d2, b, 0};
            return recorded_rename(call_renameat, &c, at_path(d1, a, p1, sizeof p1), at_path(d2, b, p2, sizeof p2));
        }

        static int recorded_unlink(int (*call)(void *), void *context, const char *path) {
            if (!under_prefix(path)) return call(context);
            pthread_mutex_lock(&lock);
            unsigned long inode = inode_of(path), parent = parent_inode(path);
            int result = call(context);
            if (result == 0) emit(NULL, 0, "unlink %lu %lu %s\n", inode, parent, base_name(path));
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return result;
        }

        static int call_unlink(void *c) { REAL(unlink); struct link_call *l = c; return real_unlink(l->a); }
        static int call_unlinkat(void *c) {
            REAL(unlinkat);
            struct link_call *l = c;
            return real_unlinkat(l->d1, l->a, l->flags);
        }
        static int call_rmdir(void *c) { REAL(rmdir); struct link_call *l = c; return real_rmdir(l->a); }

        int unlink(const char *a) {
            char p[PATH_MAX];
            struct link_call c = {AT_FDCWD, a, AT_FDCWD, NULL, 0};
            return recorded_unlink(call_unlink, &c, at_path(AT_FDCWD, a, p, sizeof p));
        }

        int unlinkat(int d, const char *a, int flags) {
            char p[PATH_MAX];
            struct link_call c = {d, a, AT_FDCWD, NULL, flags};
            return recorded_unlink(call_unlinkat, &c, at_path(d, a, p, sizeof p));
        }

        int rmdir(const char *a) {
            char p[PATH_MAX];
            struct link_call c = {AT_FDCWD, a, AT_FDCWD, NULL, 0};
            return recorded_unlink(call_rmdir, &c, at_path(AT_FDCWD, a, p, sizeof p));
        }

        static int recorded_mkdir(int dirfd, const char *name, mode_t mode) {
            REAL(mkdirat);
            char buffer[PATH_MAX];
            const char *path = at_path(dirfd, name, buffer, sizeof buffer);
            if (!under_prefix(path)) return real_mkdirat(dirfd, name, mode);
            pthread_mutex_lock(&lock);
            int result = real_mkdirat(dirfd, name, mode);
            struct stat info;
            if (result == 0 && lstat(path, &info) == 0)
                emit(NULL, 0, "mkdir %lu %lu %o %s\n", (unsigned long)info.st_ino, parent_inode(path),
                     (unsigned)(info.st_mode & 07777), base_name(path));
            int saved = errno;
            pthread_mutex_unlock(&lock);
            errno = saved;
            return result;
        }

        int mkdir(const char *name, mode_t mode) { return recorded_mkdir(AT_FDCWD, name, mode); }
        int mkdirat(int dirfd, const char *name, mode_t mode) { return recorded_mkdir(dirfd, name, mode); }

        static int refuses_mapping(int prot, int flags, int fd) {
            unsigned long inode;
            return fd >= 0 && (flags & MAP_SHARED) && (prot & PROT_WRITE) && regular_under_prefix(fd, &inode);
        }

        void *mmap(void *address, size_t length, int prot, int flags, int fd, off_t offset) {
            REAL(mmap);
            if (refuses_mapping(prot, flags, fd)) { errno = ENODEV; return MAP_FAILED; }
            return real_mmap(address, length, prot, flags, fd, offset);
        }

        void *mmap64(void *address, size_t length, int prot, int flags, int fd, off_t offset) {
            REAL(mmap64);
            if (refuses_mapping(prot, flags, fd)) { errno = ENODEV; return MAP_FAILED; }
            return real_mmap64(address, length, prot, flags, fd, offset);
        }

        static int is_socket(int fd) {
            struct stat info;
            return fstat(fd, &info) == 0 && S_ISSOCK(info.st_mode);
        }

        /* Whether `data` holds a line that is the QUIT command. */
        static int carries_quit(const char *data, size_t size) {
            for (size_t i = 0; i + 6 <= size; i++) {
                if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, "QUIT\r\n", 6) == 0) return 1;
            }
            return 0;
        }

        static void before_send(int fd, const void *data, size_t size) {
            if (!getenv("MPOP_RECORD_PATH") || !is_socket(fd) || !carries_quit(data, size)) return;
            pthread_mutex_lock(&lock);
            emit(NULL, 0, "quit-sent\n");
            quit_socket = fd;
            pthread_mutex_unlock(&lock);
        }

        static void after_receive(int fd, ssize_t n) {
            if (n <= 0 || fd != quit_socket) return;
            pthread_mutex_lock(&lock);
            emit(NULL, 0, "quit-answered\n");
            quit_socket = -1;
            pthread_mutex_unlock(&lock);
        }

        ssize_t send(int fd, const void *data, size_t size, int flags) {
            REAL(send);
            before_send(fd, data, size);
            return real_send(fd, data, size, flags);
        }

        ssize_t recv(int fd, void *data, size_t size, int flags) {
            REAL(recv);
            ssize_t n = real_recv(fd, data, size, flags);
            int saved = errno;
            after_receive(fd, n);
            errno = saved;
            return n;
        }

        ssize_t read(int fd, void *data, size_t size) {
            REAL(read);
            ssize_t n = real_read(fd, data, size);
            int saved = errno;
            if (quit_socket >= 0) after_receive(fd, n);
            errno = saved;
            return n;
        }
        """#
}
