/* SPDX-License-Identifier: MIT */
/*
 * service_commands.h - the service's answers to the control commands
 * (control_commands.h): one handler per command pued answers, the ready
 * bytes of status and devices (status_reply.h), and the status answer
 * that the status page (web_feed.h) shares. status and devices read the
 * round's snapshot (snapshot.h), never live state. Below service.c, which
 * fills what they read. Main thread only.
 */
#ifndef PUE_SERVICE_COMMANDS_H
#define PUE_SERVICE_COMMANDS_H

#include <stdbool.h>
#include <sys/socket.h>

#include <jansson.h>

#include "util/err.h"

#include "alerts/alerts.h"
#include "util/blob.h"
#include "util/clock.h"
#include "control/control_commands.h"
#include "util/loop.h"
#include "snapshot/snapshot.h"

/* What the commands read and call, filled by the service (service.c). */
struct pue_service_answers {
	/* A new reference to the round's snapshot, taken by the first reader
	 * of the round; NULL when memory runs out. */
	struct pue_snapshot *(*snapshot)(void *arg);
	/* Forgets the round's snapshot: the next reader takes a new one. */
	void (*forget)(void *arg);
	void *snapshot_arg;
	bool asked[2]; /* status, devices asked for this round (pue_service_commands_prepare()) */
	struct pue_alerts *alerts;
	struct pue_clock *clock;
	struct pue_loop *loop;
	void (*reload_cb)(void *arg); /* the daemon's, for "reload"; NULL: none */
	void *reload_arg;
};

/* The control server's handler (control.h); arg is the service's
 * struct pue_service_answers. */
json_t *pue_service_commands_answer(void *arg, const char *cmd, json_t *req,
				    const struct ucred *peer, struct pue_err *err);

/* The control server's ready bytes (control_request.h) for status and
 * devices: the round's snapshot's, rendered once (status_reply.h). A
 * command that changes state forgets the round's snapshot first, so the
 * next status shows the change; on the stepped test clock every request
 * takes a new one, as a round there lasts as long as the harness waits
 * and what pued learns meanwhile (a worker's year figures, a late answer)
 * must show when a test asks. arg is the struct pue_service_answers. */
struct pue_blob *pue_service_commands_ready(void *arg, enum pue_ctl_cmd cmd);

/* At the start of a round, once the last one's snapshot is forgotten:
 * renders the ready bytes of status and devices where they were asked for
 * in the last round, so that while requests keep coming none of them
 * waits for the round's snapshot or its rendering (issue 18). Nothing when
 * nobody asked, and nothing on the stepped test clock. */
void pue_service_commands_prepare(struct pue_service_answers *s);

/* What the status page shows (web_feed.h): the status summary of the
 * round's snapshot with its per-device list ("devices") added. NULL when
 * memory runs out. */
json_t *pue_service_commands_status_json(struct pue_service_answers *s);

/* True when every command the daemon answers has its handler. */
bool pue_service_commands_complete(void);

#endif
