/* common/signals.h — how a daemon's main thread learns of SIGTERM, SIGINT
 * and SIGHUP. tm_signals_block() is called first in main, before any thread
 * starts, so every thread inherits a mask with those signals blocked; the
 * main thread then takes them synchronously with tm_signals_wait(). No signal
 * handler runs, so no code is ever interrupted mid-way. SIGPIPE is ignored
 * (a closed peer is an error return, not a death). */
#ifndef TM_COMMON_SIGNALS_H
#define TM_COMMON_SIGNALS_H

/* Blocks SIGTERM, SIGINT, SIGHUP in the calling thread and ignores SIGPIPE. */
void tm_signals_block(void);

/* Waits up to timeout_ms for one of the blocked signals; returns its number,
 * or 0 when none came in time. */
int tm_signals_wait(int timeout_ms);

#endif
