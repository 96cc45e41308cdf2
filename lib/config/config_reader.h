/* SPDX-License-Identifier: MIT */
/*
 * config_reader.h - a reload's configuration read on a thread of its own.
 *
 * A 10 MB pued.yaml takes seconds to parse and check (README,
 * "Performance"); on the main loop that would hold every poll, alert round
 * and control request for as long. The reader loads the file on one worker
 * (workq.h) while the loop goes on, logs the file's errors from there
 * (log.h may be used from any thread), and wakes the loop through an
 * eventfd when it is done. One load at a time: a request while one runs is
 * remembered, and any number of them make one more load once the current
 * result has been taken (pue_config_reader_take() says so), so the last
 * SIGHUP always sees the file as it was last written.
 *
 * The reader does not register a busy probe (loop.h): a stepped test clock
 * runs on while a file is read, as the real one does.
 * Main thread only, except where said.
 */
#ifndef PUE_CONFIG_READER_H
#define PUE_CONFIG_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

struct pue_config_reader; /* opaque */

/* Starts the reader's thread. NULL with err set on failure. */
struct pue_config_reader *pue_config_reader_new(struct pue_err *err);

/* Waits for a load in progress to end (a file is read to its end, at most
 * PUE_YTREE_MAX_BYTES), then frees everything, an untaken configuration
 * too. NULL accepted. */
void pue_config_reader_free(struct pue_config_reader *r);

/* The descriptor to watch for EPOLLIN: a load has ended. */
int pue_config_reader_fd(const struct pue_config_reader *r);

/* Loads path (copied) on the reader's thread. Returns 0 when the load
 * started, 1 when one is already running (this request is coalesced into
 * one more load after it), or a negative errno (-ENOMEM). */
int pue_config_reader_start(struct pue_config_reader *r, const char *path);

/* True from pue_config_reader_start() until its result is taken. */
bool pue_config_reader_busy(const struct pue_config_reader *r);

/* Takes the result of the load that ended. Returns 0 when none has ended
 * (yet), else 1 with *cfg the configuration (the caller owns it and frees
 * it with pue_config_free()), or NULL when the file was rejected: its
 * errors are already logged at LOG_ERR, one line each. *took_ms: the
 * load's real time. *again: a request came during the load; the caller
 * starts one more load once it has used this result. */
int pue_config_reader_take(struct pue_config_reader *r, struct pue_config **cfg, int64_t *took_ms,
			   bool *again);

#endif
