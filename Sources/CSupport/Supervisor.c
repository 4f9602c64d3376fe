#define _GNU_SOURCE
#include "CSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A delivery agent run under a supervisor process, so that it never sees the
 * end of a message that did not arrive whole, and so that its result outlives
 * mpop.  See SupervisedAgent.swift for the protocol; everything the forked
 * processes do is async-signal-safe (the parent has other threads).
 */

static void write_all(int fd, const char *text, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, text, length);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        text += n;
        length -= (size_t)n;
    }
}

/* Decimal digits of value into buffer (at least 12 bytes); returns the length. */
static size_t format_int(char *buffer, int value)
{
    char digits[12];
    size_t count = 0;
    unsigned int rest = value < 0 ? (unsigned int)-value : (unsigned int)value;
    do {
        digits[count++] = (char)('0' + rest % 10);
        rest /= 10;
    } while (rest > 0);
    size_t length = 0;
    if (value < 0)
        buffer[length++] = '-';
    while (count > 0)
        buffer[length++] = digits[--count];
    return length;
}

static void reset_signals(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int signum = 1; signum < NSIG; signum++)
        sigaction(signum, &action, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void close_from(int lowest)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned int)lowest, ~0U, 0) == 0)
        return;
#endif
    for (int fd = lowest; fd < 1024; fd++)
        close(fd);
}

/* The supervisor: runs in the first child, never returns. */
static void supervise(char *const argv[], char *const envp[], int data_read, int data_write,
                      int control_read, int result_write, const char *outcome_path)
{
    reset_signals();
    /* Its own process group: Ctrl-C at the terminal is for mpop, which
     * decides what becomes of the agent. */
    setpgid(0, 0);
    /* vfork: this process has one thread, and the child only sets up its
     * descriptors and process group before execve. */
    pid_t agent = vfork();
    if (agent == 0) {
        setpgid(0, 0);
        if (data_read != 0) {
            dup2(data_read, 0);
        }
        close_from(3);
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    if (agent > 0)
        setpgid(agent, agent); /* also here: the kill below must find the group */
    close(data_read);
    char word = 0;
    ssize_t got;
    if (agent > 0) {
        do {
            got = read(control_read, &word, 1);
        } while (got < 0 && errno == EINTR);
        if (got != 1 || word != 'C') {
            /* mpop went away, or gave up on the message: the agent must not
             * see its end. Kill it (and its children) while our copy of the
             * pipe still keeps end of file away from it. */
            kill(-agent, SIGKILL);
            kill(agent, SIGKILL);
        }
    }
    close(data_write);
    close(control_read);
    int status = 0;
    char text[32];
    size_t length;
    if (agent > 0) {
        while (waitpid(agent, &status, 0) < 0 && errno == EINTR) {
        }
        length = format_int(text, status);
    } else {
        /* fork failed: report it as -1, the agent never ran. */
        status = -1;
        length = format_int(text, -1);
    }
    text[length++] = '\n';
    if (outcome_path != NULL && word == 'C') {
        int fd = open(outcome_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            /* No fsync: the file must outlive mpop, not the machine; after
             * a crash the journal's pending record does not count anyway. */
            write_all(fd, text, length);
            close(fd);
        }
    }
    write_all(result_write, text, length);
    _exit(0);
}

pid_t csupport_spawn_supervised(char *const argv[], char *const envp[], int data_read, int data_write,
                                const char *outcome_path, int *control_write, int *result_read)
{
    int control[2], result[2];
    if (pipe2(control, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(result, O_CLOEXEC) != 0) {
        int saved = errno;
        close(control[0]);
        close(control[1]);
        errno = saved;
        return -1;
    }
    pid_t supervisor = fork();
    if (supervisor == 0) {
        /* Keep only what the supervisor needs; the rest (the server
         * connection, a mailbox) is none of its business. */
        int keep[] = {data_read, data_write, control[0], result[1]};
        int target = 3;
        int moved[4];
        /* Move the four descriptors to 100..103 first, then down to 3..6,
         * so that no dup2 overwrites one not yet moved. */
        for (int i = 0; i < 4; i++) {
            moved[i] = fcntl(keep[i], F_DUPFD, 100);
        }
        for (int i = 0; i < 4; i++) {
            dup2(moved[i], target + i);
        }
        close_from(7);
        supervise(argv, envp, 3, 4, 5, 6, outcome_path);
    }
    int saved = errno;
    close(control[0]);
    close(result[1]);
    if (supervisor < 0) {
        close(control[1]);
        close(result[0]);
        errno = saved;
        return -1;
    }
    *control_write = control[1];
    *result_read = result[0];
    return supervisor;
}
