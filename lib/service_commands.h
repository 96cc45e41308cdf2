/* SPDX-License-Identifier: MIT */
/*
 * service_commands.h - the service's answers to the control commands
 * (control_commands.h): one handler per command pued answers, and the
 * status answer that the status page (web_feed.h) shares. Below
 * service.c, which fills what they read. Main thread only.
 */
#ifndef PUE_SERVICE_COMMANDS_H
#define PUE_SERVICE_COMMANDS_H

#include <stdbool.h>
#include <sys/socket.h>

#include <jansson.h>

#include "err.h"

#include "alerts.h"
#include "clock.h"
#include "loop.h"
#include "status.h"

/* What the commands read and call, filled by the service (service.c). */
struct pue_service_answers {
	struct pue_status_source *status;
	struct pue_alerts *alerts;
	struct pue_clock *clock;
	struct pue_loop *loop;
	void (*reload_cb)(void *arg); /* the daemon's, for "reload"; NULL: none */
	void *reload_arg;
};

/* The control server's handler (control.h); arg is the service's
 * struct pue_service_answers. */
json_t *pue_service_command(void *arg, const char *cmd, json_t *req, const struct ucred *peer,
			    struct pue_err *err);

/* The status answer: figures, devices, storage, then the alerts' year and
 * counts (issue 8). NULL when memory runs out. */
json_t *pue_service_status_json(struct pue_service_answers *s);

/* True when every command the daemon answers has its handler. */
bool pue_service_commands_complete(void);

#endif
