/* SPDX-License-Identifier: MIT */
/*
 * log.h - the only code in pued that writes log lines.
 * Any thread (each line is written with one write(2) or syslog(3) call).
 * Priorities are syslog's (LOG_ERR ... LOG_DEBUG). The sink is chosen once:
 * stderr with a UTC timestamp in the foreground, stderr with "<N>" priority
 * prefixes when stderr is the systemd journal, syslog(3) otherwise.
 * Each message starts with its subject: "device ups-a: ...", "store: ...".
 */
#ifndef PUE_LOG_H
#define PUE_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum pue_log_sink {
	PUE_LOG_STDERR,	 /* timestamped lines for a terminal or a file */
	PUE_LOG_JOURNAL, /* "<N>"-prefixed lines; the journal adds the time */
	PUE_LOG_SYSLOG,	 /* syslog(3), facility LOG_DAEMON */
};

/* Picks the sink: the journal when $JOURNAL_STREAM names our stderr,
 * stderr when foreground is true, syslog otherwise. ident names the program. */
void pue_log_open(const char *ident, bool foreground);

/* Forces a sink (tests, puectl). */
void pue_log_set_sink(enum pue_log_sink sink);

/* Drops messages less severe than max_priority (default LOG_INFO). */
void pue_log_set_level(int max_priority);
/* The level set last (helpers pued starts are given the same). */
int pue_log_get_level(void);

void pue_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Like pue_log, with ": " and strerror(errno) appended. */
void pue_log_errno(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void pue_log_close(void);

#endif
