/* libqosland: tell the running qosland scheduler what a thread is for.
 *
 * For cooperative runtimes: a thread pool tags its executors, a game its
 * render thread, an indexer itself. Link with -lqosland.
 *
 *   #include <qosland/qosland.h>
 *   if (qosland_set_thread_qos(QOSLAND_QOS_BACKGROUND) != QOSLAND_OK)
 *     fprintf(stderr, "not tagged: %s\n", qosland_last_error());
 *
 * Every call is synchronous (one request over a UNIX socket, answered in
 * well under a millisecond; 5 s at most), safe from any thread, and never
 * crashes or blocks for good: without a running qosland it returns
 * QOSLAND_ERR_NOT_RUNNING. The scheduler judges each request by the
 * caller's uid, which the kernel tells it: a process may lower its own
 * threads' class, and raise it back only as far as its rules grant
 * (`default` when none do); only root may go higher. Tags outlive a restart
 * of qosland, not the thread.
 *
 * The socket is $QOSLAND_SOCKET when set, else /run/qosland/control.sock.
 */
#ifndef QOSLAND_QOSLAND_H_
#define QOSLAND_QOSLAND_H_

#ifdef __cplusplus
extern "C" {
#endif

/* The QoS classes, most urgent first (Apple's, as in Linux Sched QoS). */
typedef enum qosland_qos_class {
  QOSLAND_QOS_USER_INTERACTIVE = 0, /* UI, animation, input, a game's frame chain */
  QOSLAND_QOS_USER_INITIATED = 1,   /* work the user is waiting on */
  QOSLAND_QOS_DEFAULT = 2,          /* no information */
  QOSLAND_QOS_UTILITY = 3,          /* long work the user is not watching */
  QOSLAND_QOS_BACKGROUND = 4        /* indexing, backups, builds left to run */
} qosland_qos_class;

/* Results: 0 or one of these (negative). */
enum {
  QOSLAND_OK = 0,
  QOSLAND_ERR_NOT_RUNNING = -1, /* no qosland listens: nothing changed */
  QOSLAND_ERR_DENIED = -2,      /* qosland refused: only root may do that */
  QOSLAND_ERR_INVALID = -3,     /* not a class, or a malformed request */
  QOSLAND_ERR_NO_TASK = -4,     /* no such task, or no tag to clear */
  QOSLAND_ERR_IO = -5           /* no answer in time, or a garbled one */
};

/* Tags the calling thread with a class: one of qosland_qos_class (an int,
 * so that any value a caller passes is defined behaviour: anything else is
 * QOSLAND_ERR_INVALID). */
int qosland_set_thread_qos(int qos);
/* The calling thread's class as qosland schedules it (a qosland_qos_class,
 * >= 0), from its tag, rules or attributes; or an error (< 0). */
int qosland_get_thread_qos(void);
/* Removes the calling thread's tag: its rules and attributes decide again. */
int qosland_clear_thread_qos(void);

/* "qosland is not running", ... for a result above. */
const char* qosland_strerror(int result);
/* The sentence qosland gave for this thread's last failed call, or "". */
const char* qosland_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* QOSLAND_QOSLAND_H_ */
