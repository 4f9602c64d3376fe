#ifndef MPOP_CSUPPORT_H
#define MPOP_CSUPPORT_H

#include <getopt.h>
#include <stddef.h>

/*
 * glibc's getopt_long, with its global state behind functions so that Swift 6
 * code never touches a mutable C global.  The message texts and the argument
 * permutation are glibc's own, which is what mpop 1.4.18 prints.
 */
int csupport_getopt_long(int argc, char *const argv[], const char *shortopts,
                         const struct option *longopts, int *longindex);
/* optarg of the last option, or NULL. */
const char *csupport_optarg(void);
/* optind after the last call. */
int csupport_optind(void);
/* Resets getopt for a fresh scan (optind = 0 makes glibc reinitialise). */
void csupport_getopt_reset(void);

/* The process environment, NULL-terminated; owned by libc. */
char **csupport_environ(void);

/*
 * A request to stop, which a signal handler may set while the program reads
 * it: one per session, so that a session learns only of its own.  Every
 * read and write of it is atomic and lock-free, hence async-signal-safe.
 */
typedef struct csupport_cancellation csupport_cancellation;
/* A new, unset flag; NULL with errno set when there is no memory. */
csupport_cancellation *csupport_cancellation_create(void);
/* Frees the flag; it must no longer be a handler's target. */
void csupport_cancellation_destroy(csupport_cancellation *cancellation);
/* The signal number that asked to stop (or the reason given), or 0. */
int csupport_cancellation_reason(const csupport_cancellation *cancellation);
/* Sets the flag to reason (not 0) unless it is set already. */
void csupport_cancellation_set(csupport_cancellation *cancellation, int reason);

/*
 * Handlers for SIGINT, SIGTERM and SIGHUP that set target to the signal's
 * number.  They are installed with sigaction without SA_RESTART, so a
 * blocking read or write returns EINTR and the caller can look at target.
 * Restoring the default actions also makes the handlers forget target.
 */
void csupport_install_abort_handlers(csupport_cancellation *target);
void csupport_restore_default_handlers(void);

/*
 * For a run that serves several accounts at once, each on its own thread:
 * while the handlers are installed with the run's flag as target, each
 * session enlists its own flag from its own thread.  A signal then sets the
 * run's flag and every enlisted flag, and (the first time) is sent on to
 * every enlisted thread with pthread_kill, so that each one's blocked call
 * returns EINTR.  A flag enlisted after the signal is set at once.
 * Enlisting returns the slot to delist with, or -1 when all 256 are taken.
 * A thread must delist before it ends, and must not be joined before the
 * default handlers are back (so that pthread_kill never names a thread
 * that is gone).
 */
int csupport_abort_enlist(csupport_cancellation *session);
void csupport_abort_delist(int slot);

/*
 * Starts "/bin/sh -c COMMAND" (argv, NULL-terminated, built by the caller)
 * with standard input from data_read, under a supervisor process that holds
 * a copy of data_write.  mpop writes the message to data_write, then writes
 * 'C' to *control_write and closes both: the agent sees end of file and the
 * supervisor waits for it.  When control ends without 'C' (mpop gave up on
 * the message, or died), the supervisor kills the agent's process group
 * before it can see end of file.  The supervisor writes the agent's wait
 * status in decimal and a newline to *result_read, and, after 'C', to the
 * file outcome_path (when not NULL), so that a later run learns it
 * even when mpop is gone.  The agent and the supervisor have process groups
 * of their own.  Returns the supervisor's pid, or -1 with errno set.
 */
#include <sys/types.h>
pid_t csupport_spawn_supervised(char *const argv[], char *const envp[], int data_read, int data_write,
                                const char *outcome_path, int *control_write, int *result_read);

/* Ignores SIGPIPE so that a write to a closed pipe or socket returns EPIPE. */
void csupport_ignore_sigpipe(void);

/*
 * Reads a line from the controlling terminal with echo off, after writing
 * prompt to it.  Returns a malloc'd string without the newline, or NULL with
 * errno set (ENXIO when there is no controlling terminal).
 */
char *csupport_read_password(const char *prompt);

/*
 * A background fdatasync for one file descriptor (the UIDLs journal): a
 * request returns at once, and a thread with every signal blocked syncs
 * everything written before it started.  The functions return 0, or the
 * errno of the first failed sync not reported before.
 */
typedef struct csupport_syncer csupport_syncer;
/* Starts the thread; NULL with errno set when it cannot. */
csupport_syncer *csupport_syncer_create(int fd);
/* Asks for a sync (at most one starts per 200 ms); reports an earlier failure. */
int csupport_syncer_request(csupport_syncer *syncer);
/* Waits until every requested sync has run. */
int csupport_syncer_wait(csupport_syncer *syncer);
/* Finishes the requested syncs, stops the thread and frees the syncer. */
int csupport_syncer_destroy(csupport_syncer *syncer);

/*
 * A domain name in UTF-8 converted to its ASCII form (IDNA 2008, UTS #46
 * non-transitional, as libidn2's idn2_to_ascii_8z): "bücher.example" is
 * "xn--bcher-kva.example".  Returns a malloc'd string the caller frees, or
 * NULL when libidn2 refuses the name.
 */
char *csupport_idn_to_ascii(const char *domain);

#endif
