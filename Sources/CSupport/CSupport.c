#define _GNU_SOURCE
#include "CSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

int csupport_getopt_long(int argc, char *const argv[], const char *shortopts,
                         const struct option *longopts, int *longindex)
{
    return getopt_long(argc, argv, shortopts, longopts, longindex);
}

const char *csupport_optarg(void) { return optarg; }
int csupport_optind(void) { return optind; }
void csupport_getopt_reset(void) { optind = 0; opterr = 1; }

char **csupport_environ(void) { return environ; }

struct csupport_cancellation {
    int reason;
};

/* A signal handler may only touch lock-free atomics. */
_Static_assert(__atomic_always_lock_free(sizeof(int), 0), "int atomics must be lock-free");
_Static_assert(__atomic_always_lock_free(sizeof(void *), 0), "pointer atomics must be lock-free");

csupport_cancellation *csupport_cancellation_create(void)
{
    return calloc(1, sizeof(csupport_cancellation));
}

void csupport_cancellation_destroy(csupport_cancellation *cancellation) { free(cancellation); }

int csupport_cancellation_reason(const csupport_cancellation *cancellation)
{
    return __atomic_load_n(&cancellation->reason, __ATOMIC_SEQ_CST);
}

void csupport_cancellation_set(csupport_cancellation *cancellation, int reason)
{
    int unset = 0;
    __atomic_compare_exchange_n(&cancellation->reason, &unset, reason, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* The flag the handlers set; read in the handler, hence atomic. */
static csupport_cancellation *abort_target = NULL;

/*
 * The sessions of a run that serves several accounts at once: one slot per
 * running session, its flag and its thread.  A slot is claimed, then its
 * thread stored, then its target published; the handler reads the target
 * first, so a target it sees always comes with its thread.
 */
#define ABORT_SLOTS 256
static int abort_slot_claimed[ABORT_SLOTS];
static pthread_t abort_slot_thread[ABORT_SLOTS];
static csupport_cancellation *abort_slot_target[ABORT_SLOTS];

_Static_assert(__atomic_always_lock_free(sizeof(pthread_t), 0), "pthread_t atomics must be lock-free");

/* Sets the flag unless it is set already; whether this call set it. */
static int set_first(csupport_cancellation *cancellation, int reason)
{
    int unset = 0;
    return __atomic_compare_exchange_n(&cancellation->reason, &unset, reason, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

static void on_abort_signal(int signum)
{
    int saved = errno;
    csupport_cancellation *target = __atomic_load_n(&abort_target, __ATOMIC_SEQ_CST);
    int first = target != NULL && set_first(target, signum);
    pthread_t self = pthread_self();
    for (int slot = 0; slot < ABORT_SLOTS; slot++) {
        csupport_cancellation *session = __atomic_load_n(&abort_slot_target[slot], __ATOMIC_SEQ_CST);
        if (session == NULL)
            continue;
        set_first(session, signum);
        /* The signal interrupted a blocked call in one thread only: pass it
         * on once, so that every session's wait returns EINTR. */
        pthread_t thread = __atomic_load_n(&abort_slot_thread[slot], __ATOMIC_SEQ_CST);
        if (first && !pthread_equal(thread, self))
            pthread_kill(thread, signum);
    }
    errno = saved;
}

void csupport_install_abort_handlers(csupport_cancellation *target)
{
    __atomic_store_n(&abort_target, target, __ATOMIC_SEQ_CST);
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_abort_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; /* no SA_RESTART: blocking I/O must return EINTR */
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
}

void csupport_restore_default_handlers(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    __atomic_store_n(&abort_target, NULL, __ATOMIC_SEQ_CST);
}

int csupport_abort_enlist(csupport_cancellation *session)
{
    for (int slot = 0; slot < ABORT_SLOTS; slot++) {
        int unclaimed = 0;
        if (!__atomic_compare_exchange_n(&abort_slot_claimed[slot], &unclaimed, 1, 0, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST))
            continue;
        __atomic_store_n(&abort_slot_thread[slot], pthread_self(), __ATOMIC_SEQ_CST);
        __atomic_store_n(&abort_slot_target[slot], session, __ATOMIC_SEQ_CST);
        /* A signal that came before the target was published reached the
         * run's flag only: pass it on here. */
        csupport_cancellation *target = __atomic_load_n(&abort_target, __ATOMIC_SEQ_CST);
        int reason = target != NULL ? csupport_cancellation_reason(target) : 0;
        if (reason != 0)
            set_first(session, reason);
        return slot;
    }
    return -1;
}

void csupport_abort_delist(int slot)
{
    if (slot < 0 || slot >= ABORT_SLOTS)
        return;
    __atomic_store_n(&abort_slot_target[slot], NULL, __ATOMIC_SEQ_CST);
    __atomic_store_n(&abort_slot_claimed[slot], 0, __ATOMIC_SEQ_CST);
}

void csupport_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

char *csupport_read_password(const char *prompt)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        errno = ENXIO;
        return NULL;
    }
    struct termios saved, quiet;
    int have_termios = tcgetattr(fd, &saved) == 0;
    if (have_termios) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    ssize_t ignored = write(fd, prompt, strlen(prompt));
    (void)ignored;

    size_t capacity = 128, length = 0;
    char *line = malloc(capacity);
    int failed = line == NULL;
    while (!failed) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n')
            break;
        if (length + 1 >= capacity) {
            char *bigger = realloc(line, capacity * 2);
            if (bigger == NULL) {
                failed = 1;
                break;
            }
            line = bigger;
            capacity *= 2;
        }
        line[length++] = c;
    }
    if (have_termios)
        tcsetattr(fd, TCSAFLUSH, &saved);
    ignored = write(fd, "\n", 1);
    close(fd);
    if (failed) {
        free(line);
        errno = ENOMEM;
        return NULL;
    }
    line[length] = '\0';
    return line;
}
