/* SPDX-License-Identifier: MIT */
/*
 * alerts_control.c - the alerts' control commands (alerts, ack, silence,
 * unsilence) and their part of "status"; see alerts_control.h.
 */
#include "alerts/alerts_control.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/alerts_ack.h"
#include "alerts/alerts_internal.h"
#include "alerts/alerts_message.h"
#include "core/duration.h"
#include "util/log.h"
#include "report/year_json.h"
#include "util/utf8.h"

#define RECENT 30 /* history lines in "alerts" */
#define MAX_SILENCE_MS (366 * 24 * 3600 * 1000LL)

static json_t *
time_json(int64_t ms)
{
	char buf[40];

	if (ms <= 0)
		return json_null();
	pue_duration_format_time((pue_wall_t){ms}, buf, sizeof(buf));
	return json_string(buf);
}

/* The peer's user name, as the history records who did what. */
static void
user_name(const struct ucred *peer, char *buf, size_t len)
{
	struct passwd pw, *found = NULL;
	char scratch[1024];

	if (peer == NULL || peer->uid == (uid_t)-1) {
		snprintf(buf, len, "unknown");
		return;
	}
	if (getpwuid_r(peer->uid, &pw, scratch, sizeof(scratch), &found) == 0 && found != NULL)
		pue_utf8_copy(buf, len, found->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned)peer->uid);
}

/* "alerts" -------------------------------------------------------------- */

static json_t *
alert_json(const struct pue_alerts *a, const struct alert *al, int64_t now)
{
	const struct silence *s = pue_alerts_silence_of(a, al, now);
	const char *by = pue_alerts_ack_by(al);

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o}", "number",
			 (json_int_t)al->incident, "alert", al->def.key, "rule",
			 pue_config_text_alert_rule_name(al->def.rule), "subject", al->def.subject,
			 "severity", pue_alert_state_severity_name(pue_alerts_severity(a, al)),
			 "state", pue_alert_state_phase_name(al->st.phase), "since",
			 time_json(al->st.since_ms), "fired",
			 time_json(al->st.phase == PUE_ALERT_FIRING ? al->st.fired_ms : 0),
			 "message", pue_alerts_message(al), "acked_by",
			 by != NULL ? json_string(by) : json_null(), "acked_at",
			 time_json(pue_alerts_ack_ms(al)), "silenced_until",
			 s != NULL ? time_json(s->until_ms) : json_null());
}

static json_t *
year_json(const struct pue_alerts *a)
{
	const struct pue_year_figures *yf = pue_alert_year_get(a->year);

	if (!yf->known)
		return json_pack("{s:s, s:s}", "state", "unknown", "why",
				 yf->error[0] ? yf->error : "not computed yet");
	return pue_year_json(&yf->y, yf->start_ms, yf->end_ms, yf->at_ms, a->cfg->pue.ceiling);
}

static json_t *
list(struct pue_alerts *a, struct pue_err *err)
{
	int64_t now = pue_clock_wall(a->src.clock).ms;
	json_t *active = json_array(), *silences = json_array(), *recent, *o;
	size_t i;

	for (i = 0; i < a->n_alerts; i++)
		if (a->alerts[i].st.phase == PUE_ALERT_PENDING ||
		    a->alerts[i].st.phase == PUE_ALERT_FIRING)
			json_array_append_new(active, alert_json(a, &a->alerts[i], now));
	for (i = 0; i < a->n_silences; i++)
		if (a->silences[i].until_ms > now)
			json_array_append_new(silences,
					      json_pack("{s:s, s:o, s:o, s:s}", "rule",
							a->silences[i].pattern, "until",
							time_json(a->silences[i].until_ms), "since",
							time_json(a->silences[i].t_ms), "by",
							a->silences[i].who));
	if ((recent = pue_alert_db_history_json(a->db, RECENT)) == NULL)
		recent = json_array();
	o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "active", active, "silences", silences,
		      "recent", recent, "targets", pue_alert_sink_json(a->sinks), "agentx",
		      a->agentx != NULL ? pue_agentx_json(a->agentx) : json_null(), "year",
		      year_json(a));
	if (o == NULL)
		pue_err_set(err, -ENOMEM, "out of memory");
	return o;
}

/* "ack" ----------------------------------------------------------------- */

/* The alert id names: a number (a JSON integer, "12" or "#12") or an
 * alert's name. A string that starts like a number must be one, whole
 * (strtoull, end pointer, ERANGE), so "12abc" is refused rather than taken
 * for alert 12. Returns 0 with *found set (NULL: none matches) and what
 * describing the id, or -EINVAL for an id that is not a number. */
static int
find(struct pue_alerts *a, const json_t *id, struct alert **found, char *what, size_t len)
{
	const char *key = json_string_value(id), *digits;
	unsigned long long number = 0;
	char *end = NULL;
	size_t i;

	*found = NULL;
	if (json_is_integer(id)) {
		if (json_integer_value(id) <= 0 || json_integer_value(id) > UINT32_MAX)
			return -EINVAL;
		number = (unsigned long long)json_integer_value(id);
	} else if (key[0] == '#' || (key[0] >= '0' && key[0] <= '9')) {
		digits = key[0] == '#' ? key + 1 : key;
		errno = 0;
		number = strtoull(digits, &end, 10);
		if (!(digits[0] >= '0' && digits[0] <= '9') || *end != '\0' || errno == ERANGE ||
		    number == 0 || number > UINT32_MAX)
			return -EINVAL;
	}
	if (number > 0) {
		snprintf(what, len, "#%llu", number);
		for (i = 0; *found == NULL && i < a->n_alerts; i++)
			if (a->alerts[i].incident == number)
				*found = &a->alerts[i];
		return 0;
	}
	snprintf(what, len, "\"%.100s\"", key);
	for (i = 0; *found == NULL && i < a->n_alerts; i++)
		if (strcmp(a->alerts[i].def.key, key) == 0)
			*found = &a->alerts[i];
	return 0;
}

static json_t *
ack(struct pue_alerts *a, const json_t *req, const struct ucred *peer, struct pue_err *err)
{
	const json_t *id = json_object_get(req, "alert");
	char who[PUE_ALERTS_ACK_NAME_MAX], what[128];
	struct alert *al;
	int64_t now = pue_clock_wall(a->src.clock).ms;

	if (!json_is_string(id) && !json_is_integer(id)) {
		pue_err_set(err, -EINVAL, "ack needs \"alert\": a number or an alert's name");
		return NULL;
	}
	if (find(a, id, &al, what, sizeof(what)) < 0) {
		pue_err_set(err, -EINVAL,
			    "\"%.60s\" is not an alert number (1 to 4294967295, \"#\" allowed in "
			    "front); puectl alerts lists them",
			    json_is_string(id) ? json_string_value(id) : "?");
		return NULL;
	}
	if (al == NULL) {
		pue_err_set(err, -ENOENT, "no alert %s (puectl alerts lists them)", what);
		return NULL;
	}
	if (al->st.phase != PUE_ALERT_FIRING && al->st.phase != PUE_ALERT_PENDING) {
		pue_err_set(err, -EINVAL, "alert #%u %s is %s: nothing to acknowledge",
			    al->incident, al->def.key, pue_alert_state_phase_name(al->st.phase));
		return NULL;
	}
	user_name(peer, who, sizeof(who));
	if (pue_alerts_ack_set(al, who, now) < 0) {
		pue_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	if (pue_alerts_save(a, al, err) < 0 ||
	    pue_alert_db_log(a->db, now, al->def.key, al->incident,
			     pue_alert_state_severity_name(pue_alerts_severity(a, al)),
			     "acknowledged", pue_alerts_message(al), who, err) < 0)
		pue_log(LOG_ERR, "%s (the acknowledgement holds until pued stops)", err->msg);
	pue_log(LOG_NOTICE, "alert #%u %s acknowledged by %s", al->incident, al->def.key, who);
	return json_pack("{s:I, s:s, s:s, s:o}", "number", (json_int_t)al->incident, "alert",
			 al->def.key, "acked_by", who, "acked_at", time_json(now));
}

/* "silence", "unsilence" ------------------------------------------------ */

/* A rule name, or the key of an alert this configuration has. */
static bool
valid_pattern(const struct pue_alerts *a, const char *p)
{
	size_t i;

	for (i = 0; i < PUE_RULE_COUNT; i++)
		if (strcmp(p, pue_config_text_alert_rule_name((enum pue_alert_rule)i)) == 0)
			return true;
	for (i = 0; i < a->n_alerts; i++)
		if (strcmp(p, a->alerts[i].def.key) == 0)
			return true;
	return false;
}

static json_t *
silence(struct pue_alerts *a, const json_t *req, const struct ucred *peer, bool on,
	struct pue_err *err)
{
	const char *pattern = json_string_value(json_object_get(req, "rule"));
	const char *span = json_string_value(json_object_get(req, "for"));
	int64_t now = pue_clock_wall(a->src.clock).ms, ms = 0;
	struct silence *s = NULL;
	char who[64], line[160];
	size_t i;

	if (pattern == NULL || !valid_pattern(a, pattern)) {
		pue_err_set(err, -EINVAL,
			    "\"rule\": expected a rule (pue_ceiling, pue_warning, below_one, "
			    "insufficient_data, year_projection, device_down, data_stale, "
			    "meter_reset, storage_failing) or an alert's name from puectl alerts, "
			    "got \"%.64s\"",
			    pattern ? pattern : "");
		return NULL;
	}
	if (on &&
	    (span == NULL || pue_duration_parse_positive(span, &ms) < 0 || ms > MAX_SILENCE_MS)) {
		pue_err_set(err, -EINVAL,
			    "\"for\": expected a duration up to 366d (\"2h\"), got "
			    "\"%.32s\"",
			    span ? span : "");
		return NULL;
	}
	user_name(peer, who, sizeof(who));
	for (i = 0; i < a->n_silences; i++)
		if (strcmp(a->silences[i].pattern, pattern) == 0)
			s = &a->silences[i];
	if (!on) {
		if (s == NULL) {
			pue_err_set(err, -ENOENT, "%s is not silenced", pattern);
			return NULL;
		}
		*s = a->silences[--a->n_silences];
		if (pue_alert_db_silence_delete(a->db, pattern, err) < 0 ||
		    pue_alert_db_log(a->db, now, pattern, 0, "-", "unsilenced", "", who, err) < 0)
			pue_log(LOG_ERR, "%s", err->msg);
		pue_log(LOG_NOTICE, "alerts: %s unsilenced by %s", pattern, who);
		return json_pack("{s:s, s:s}", "rule", pattern, "unsilenced_by", who);
	}
	if (s == NULL) {
		if (a->n_silences == a->cap_silences) {
			size_t cap = a->cap_silences ? a->cap_silences * 2 : 8;

			if ((s = reallocarray(a->silences, cap, sizeof(*s))) == NULL) {
				pue_err_set(err, -ENOMEM, "out of memory");
				return NULL;
			}
			a->silences = s;
			a->cap_silences = cap;
		}
		s = &a->silences[a->n_silences++];
	}
	pue_utf8_copy(s->pattern, sizeof(s->pattern), pattern);
	pue_utf8_copy(s->who, sizeof(s->who), who);
	s->t_ms = now;
	s->until_ms = now + ms;
	snprintf(line, sizeof(line), "silenced for %s", span);
	if (pue_alert_db_silence_set(a->db, pattern, s->until_ms, now, who, err) < 0 ||
	    pue_alert_db_log(a->db, now, pattern, 0, "-", "silenced", line, who, err) < 0)
		pue_log(LOG_ERR, "%s (the silence holds until pued stops)", err->msg);
	pue_log(LOG_NOTICE, "alerts: %s silenced for %s by %s", pattern, span, who);
	return json_pack("{s:s, s:o, s:s}", "rule", pattern, "until", time_json(s->until_ms), "by",
			 who);
}

json_t *
pue_alerts_control_command(struct pue_alerts *a, enum pue_ctl_cmd cmd, const json_t *request,
			   const struct ucred *peer, struct pue_err *err)
{
	switch (cmd) {
	case PUE_CMD_ALERTS:
		return list(a, err);
	case PUE_CMD_ACK:
		return ack(a, request, peer, err);
	case PUE_CMD_SILENCE:
		return silence(a, request, peer, true, err);
	case PUE_CMD_UNSILENCE:
		return silence(a, request, peer, false, err);
	default:
		pue_err_set(err, -EINVAL, "unknown command \"%.64s\"",
			    cmd < PUE_CMD_COUNT ? pue_control_commands[cmd].name : "?");
		return NULL;
	}
}
