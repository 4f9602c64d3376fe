/*
 * A thread that runs fdatasync(2) on one file when asked, so that the caller
 * goes on while the disk catches up.  A sync covers everything written before
 * it started, so requests made while one runs, or within the pause after it,
 * are all served by the next one: at most one sync per pause, however often
 * the caller asks.  Stopping ends the pause at once.
 */
#include "CSupport.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The least time from the start of one sync to the start of the next. */
#define SYNCER_PAUSE_NS 200000000L

struct csupport_syncer {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    int fd;
    int stopping;
    /* Requests made so far, and the number the last finished sync covered. */
    uint64_t requested;
    uint64_t completed;
    /* errno of the first failed sync not yet reported, or 0. */
    int error;
};

static void *syncer_main(void *argument)
{
    struct csupport_syncer *syncer = argument;
    struct timespec next_start = {0, 0};
    pthread_mutex_lock(&syncer->lock);
    for (;;) {
        while (!syncer->stopping && syncer->completed == syncer->requested)
            pthread_cond_wait(&syncer->changed, &syncer->lock);
        if (syncer->completed == syncer->requested)
            break;
        /* The pause since the last sync; requests keep coming meanwhile. */
        while (!syncer->stopping
               && pthread_cond_timedwait(&syncer->changed, &syncer->lock, &next_start) != ETIMEDOUT)
            ;
        uint64_t target = syncer->requested;
        clock_gettime(CLOCK_MONOTONIC, &next_start);
        next_start.tv_nsec += SYNCER_PAUSE_NS;
        if (next_start.tv_nsec >= 1000000000L) {
            next_start.tv_sec += 1;
            next_start.tv_nsec -= 1000000000L;
        }
        pthread_mutex_unlock(&syncer->lock);
        int result = fdatasync(syncer->fd);
        int code = result == 0 ? 0 : errno;
        pthread_mutex_lock(&syncer->lock);
        syncer->completed = target;
        if (code != 0 && syncer->error == 0)
            syncer->error = code;
        pthread_cond_broadcast(&syncer->changed);
    }
    pthread_mutex_unlock(&syncer->lock);
    return NULL;
}

csupport_syncer *csupport_syncer_create(int fd)
{
    struct csupport_syncer *syncer = calloc(1, sizeof *syncer);
    if (syncer == NULL)
        return NULL;
    syncer->fd = fd;
    pthread_mutex_init(&syncer->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&syncer->changed, &attributes);
    pthread_condattr_destroy(&attributes);
    /* The thread starts with every signal blocked: SIGINT, SIGTERM and SIGHUP
     * must reach the main thread and interrupt its blocking calls. */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    int code = pthread_create(&syncer->thread, NULL, syncer_main, syncer);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (code != 0) {
        pthread_cond_destroy(&syncer->changed);
        pthread_mutex_destroy(&syncer->lock);
        free(syncer);
        errno = code;
        return NULL;
    }
    return syncer;
}

static int take_error(struct csupport_syncer *syncer)
{
    int code = syncer->error;
    syncer->error = 0;
    return code;
}

int csupport_syncer_request(csupport_syncer *syncer)
{
    pthread_mutex_lock(&syncer->lock);
    syncer->requested++;
    pthread_cond_broadcast(&syncer->changed);
    int code = take_error(syncer);
    pthread_mutex_unlock(&syncer->lock);
    return code;
}

int csupport_syncer_wait(csupport_syncer *syncer)
{
    pthread_mutex_lock(&syncer->lock);
    while (syncer->completed != syncer->requested)
        pthread_cond_wait(&syncer->changed, &syncer->lock);
    int code = take_error(syncer);
    pthread_mutex_unlock(&syncer->lock);
    return code;
}

int csupport_syncer_destroy(csupport_syncer *syncer)
{
    pthread_mutex_lock(&syncer->lock);
    syncer->stopping = 1;
    pthread_cond_broadcast(&syncer->changed);
    pthread_mutex_unlock(&syncer->lock);
    pthread_join(syncer->thread, NULL);
    int code = take_error(syncer);
    pthread_cond_destroy(&syncer->changed);
    pthread_mutex_destroy(&syncer->lock);
    free(syncer);
    return code;
}
