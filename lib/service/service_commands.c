/* SPDX-License-Identifier: MIT */
/* service_commands.c - what the running service answers on the control
 * socket; see service_commands.h. */
#include "service/service_commands.h"

#include <errno.h>

#include "alerts/alerts_control.h"
#include "control/control_commands.h"
#include "core/duration.h"
#include "util/log.h"
#include "snapshot/status.h"
#include "snapshot/status_reply.h"

/* status (devices false) or devices from the round's snapshot, as JSON:
 * the handler's answer where the ready bytes could not be made. */
static json_t *
snapshot_json(struct pue_service_answers *s, bool devices, struct pue_err *err)
{
	struct pue_snapshot *snap = s->snapshot(s->snapshot_arg);
	json_t *o;

	if (snap == NULL) {
		pue_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	o = devices ? pue_status_devices_json(snap) : pue_status_json(snap);
	pue_snapshot_unref(snap);
	return o;
}

json_t *
pue_service_commands_status_json(struct pue_service_answers *s)
{
	struct pue_snapshot *snap = s->snapshot(s->snapshot_arg);
	json_t *o, *d;

	if (snap == NULL)
		return NULL;
	o = pue_status_json(snap);
	d = pue_status_devices_json(snap);
	if (o != NULL && d != NULL)
		json_object_set(o, "devices", json_object_get(d, "devices"));
	json_decref(d);
	pue_snapshot_unref(snap);
	return o;
}

struct pue_blob *
pue_service_commands_ready(void *arg, enum pue_ctl_cmd cmd)
{
	struct pue_service_answers *s = arg;
	struct pue_snapshot *snap;
	struct pue_blob *b;

	if (pue_clock_is_stepped(s->clock))
		s->forget(s->snapshot_arg);
	else
		s->asked[cmd == PUE_CMD_DEVICES] = true;
	if ((snap = s->snapshot(s->snapshot_arg)) == NULL)
		return NULL;
	b = pue_status_reply(snap, cmd == PUE_CMD_DEVICES);
	pue_snapshot_unref(snap);
	return b;
}

void
pue_service_commands_prepare(struct pue_service_answers *s)
{
	bool asked[2] = {s->asked[0], s->asked[1]};
	struct pue_snapshot *snap;
	size_t k;

	s->asked[0] = s->asked[1] = false;
	if ((!asked[0] && !asked[1]) || (snap = s->snapshot(s->snapshot_arg)) == NULL)
		return;
	for (k = 0; k < 2; k++)
		if (asked[k]) /* the memo keeps it (status_reply.h) */
			pue_blob_unref(pue_status_reply(snap, k == 1));
	pue_snapshot_unref(snap);
}

/* "clock": where a test clock stands. "advance" {"ms": N, "wall_step_ms": M}:
 * a stepped clock's harness moves it (loop.h); the reply comes at once and
 * the harness asks "clock" until caught_up. */
static json_t *
clock_json(struct pue_service_answers *s)
{
	char when[40];

	pue_duration_format_time(pue_clock_wall(s->clock), when, sizeof(when));
	return json_pack("{s:b,s:s,s:I,s:I,s:b}", "stepped", pue_clock_is_stepped(s->clock), "time",
			 when, "wall_ms", (json_int_t)pue_clock_wall(s->clock).ms, "mono_ms",
			 (json_int_t)(pue_clock_mono(s->clock).ns / 1000000), "caught_up",
			 pue_loop_caught_up(s->loop));
}

static json_t *
advance(struct pue_service_answers *s, json_t *req, struct pue_err *err)
{
	json_t *ms = json_object_get(req, "ms"), *step = json_object_get(req, "wall_step_ms");

	if (!pue_clock_is_stepped(s->clock)) {
		pue_err_set(err, -ENOTSUP, "advance: pued is not on a stepped test clock");
		return NULL;
	}
	if ((ms != NULL && (!json_is_integer(ms) || json_integer_value(ms) < 0)) ||
	    (step != NULL && !json_is_integer(step))) {
		pue_err_set(err, -EINVAL,
			    "advance: \"ms\" must be an integer >= 0, "
			    "\"wall_step_ms\" an integer");
		return NULL;
	}
	/* A wall step lands first, at the current monotonic time, as an NTP
	 * step does between two polls. */
	if (step != NULL && json_integer_value(step) != 0) {
		pue_clock_step_wall(s->clock, json_integer_value(step));
		pue_log(LOG_DEBUG, "test clock: wall stepped %+lld ms",
			(long long)json_integer_value(step));
	}
	if (ms != NULL)
		pue_loop_advance(s->loop,
				 pue_mono_add_ms(pue_clock_mono(s->clock), json_integer_value(ms)));
	return clock_json(s);
}

/* One request to the service, as the dispatch hands it on. */
struct request {
	enum pue_ctl_cmd id;
	json_t *req;
	const struct ucred *peer; /* who asked; the control server checked admin commands */
};

static json_t *
cmd_status(struct pue_service_answers *s, const struct request *r, struct pue_err *err)
{
	(void)r;
	return snapshot_json(s, false, err);
}

static json_t *
cmd_devices(struct pue_service_answers *s, const struct request *r, struct pue_err *err)
{
	(void)r;
	return snapshot_json(s, true, err);
}

static json_t *
cmd_ping(struct pue_service_answers *s, const struct request *r, struct pue_err *err)
{
	(void)s;
	(void)r;
	(void)err;
	return json_object();
}

static json_t *
cmd_reload(struct pue_service_answers *s, const struct request *r, struct pue_err *err)
{
	(void)r;
	if (s->reload_cb == NULL) {
		pue_err_set(err, -ENOTSUP, "reload is not available");
		return NULL;
	}
	/* The file is read off the loop; the reply goes out now. */
	s->reload_cb(s->reload_arg);
	return json_pack("{s:s}", "reload", "started");
}

/* alerts, ack, silence, unsilence (issue 8) */
static json_t *
cmd_alerts(struct pue_service_answers *s, const struct request *r, struct pue_err *err)
{
	return pue_alerts_control_command(s->alerts, r->id, r->req, r->peer, err);
}

static json_t *
cmd_clock(struct pue_service_answers *s, const struct request *r, struct pue_err *err)
{
	(void)r;
	(void)err;
	return clock_json(s);
}

static json_t *
cmd_advance(struct pue_service_answers *s, const struct request *r, struct pue_err *err)
{
	return advance(s, r->req, err);
}

/* The dispatch: one handler per command pued answers (control_commands.h);
 * pue_service_new() asserts that none is missing. */
typedef json_t *(*command_fn)(struct pue_service_answers *s, const struct request *r,
			      struct pue_err *err);
static const command_fn handlers[PUE_CMD_COUNT] = {
	[PUE_CMD_STATUS] = cmd_status,	[PUE_CMD_DEVICES] = cmd_devices,
	[PUE_CMD_PING] = cmd_ping,	[PUE_CMD_RELOAD] = cmd_reload,
	[PUE_CMD_ALERTS] = cmd_alerts,	[PUE_CMD_ACK] = cmd_alerts,
	[PUE_CMD_SILENCE] = cmd_alerts, [PUE_CMD_UNSILENCE] = cmd_alerts,
	[PUE_CMD_CLOCK] = cmd_clock,	[PUE_CMD_ADVANCE] = cmd_advance,
};

json_t *
pue_service_commands_answer(void *arg, const char *cmd, json_t *req, const struct ucred *peer,
			    struct pue_err *err)
{
	struct pue_service_answers *s = arg;
	int id = pue_control_commands_find(cmd);
	char known[256];

	if (id < 0) {
		pue_control_commands_known(known, sizeof(known));
		pue_err_set(err, -EINVAL, "unknown command \"%.64s\" (known: %s)", cmd, known);
		return NULL;
	}
	/* What a command changes shows in the next status (issue 18). */
	if (pue_control_commands[id].admin)
		s->forget(s->snapshot_arg);
	return handlers[id](s, &(struct request){(enum pue_ctl_cmd)id, req, peer}, err);
}

bool
pue_service_commands_complete(void)
{
	size_t k;

	for (k = 0; k < PUE_CMD_COUNT; k++)
		if (handlers[k] == NULL && pue_control_commands[k].daemon)
			return false;
	return true;
}
