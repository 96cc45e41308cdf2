/* SPDX-License-Identifier: MIT */
/*
 * snmp_session.c - net-snmp's library state, sessions, v3 keys and engine
 * IDs, reports and MIB names; see snmp_session.h.
 *
 * Engine ID discovery. net-snmp's snmp_sess_open() (and the first
 * snmp_sess_async_send() of a v3 session without an engine ID) probes the
 * agent synchronously: snmp_sess_synch_response() waits up to timeout x
 * (retries + 1) for the answer, inside whatever thread calls it. In pued's
 * loop that would stop every other device for as long as one dead agent
 * takes to time out. So sessions are opened with SNMP_FLAGS_DONT_PROBE, and
 * the poller sends the probe itself, asynchronously like any other request
 * (pue_snmp_session_probe_pdu()). The agent answers with a usmStatsUnknownEngineIDs
 * report that carries its engine ID; pue_snmp_session_set_engine() then gives the
 * session that ID and creates the USM user with keys localized to it. The ID
 * stays in the session (the cache) until the agent reports that it changed,
 * or leaves a whole poll unanswered: a restarted agent may have a new ID, or
 * the old one with fewer boots, whose answers net-snmp would drop unheard
 * (pue_snmp_session_forget_time()). The same steps as net-snmp's
 * usm_discover_engineid() and usm_create_user_from_session_hook(), minus
 * the waiting.
 */
#include "poll/snmp_session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poll/snmp_value.h"

static oid *
auth_protocol(enum pue_snmp_auth a, size_t *len)
{
	*len = USM_AUTH_PROTO_SHA_LEN; /* every one of them is 10 arcs */
	switch (a) {
	case PUE_SNMP_AUTH_MD5:
		return usmHMACMD5AuthProtocol;
	case PUE_SNMP_AUTH_SHA224:
		return usmHMAC128SHA224AuthProtocol;
	case PUE_SNMP_AUTH_SHA256:
		return usmHMAC192SHA256AuthProtocol;
	case PUE_SNMP_AUTH_SHA384:
		return usmHMAC256SHA384AuthProtocol;
	case PUE_SNMP_AUTH_SHA512:
		return usmHMAC384SHA512AuthProtocol;
	case PUE_SNMP_AUTH_SHA:
	case PUE_SNMP_AUTH_NONE:
	default:
		return usmHMACSHA1AuthProtocol;
	}
}

int
pue_snmp_session_keys_derive(const struct pue_snmp_conf *c, struct pue_snmp_keys *k,
			     struct pue_err *err)
{
	size_t len;
	oid *proto = auth_protocol(c->auth, &len);

	memset(k, 0, sizeof(*k));
	if (c->level == PUE_SNMP_NOAUTH)
		return 0;
	if (c->auth_passphrase.value == NULL)
		return pue_err_set(err, PUE_E_CONFIG, "auth_passphrase missing");
	k->auth_len = sizeof(k->auth);
	if (generate_Ku(proto, (u_int)len, (const u_char *)c->auth_passphrase.value,
			strlen(c->auth_passphrase.value), k->auth, &k->auth_len) != SNMPERR_SUCCESS)
		return pue_err_set(err, PUE_E_CONFIG,
				   "net-snmp cannot derive a key for this auth_protocol");
	if (c->level != PUE_SNMP_AUTHPRIV)
		return 0;
	if (c->priv_passphrase.value == NULL)
		return pue_err_set(err, PUE_E_CONFIG, "priv_passphrase missing");
	/* The privacy key is derived with the authentication hash (RFC 3414,
	 * 11.2; RFC 3826, 1.2 for AES). */
	k->priv_len = sizeof(k->priv);
	if (generate_Ku(proto, (u_int)len, (const u_char *)c->priv_passphrase.value,
			strlen(c->priv_passphrase.value), k->priv,
			&k->priv_len) != SNMPERR_SUCCESS) {
		pue_snmp_session_keys_wipe(k);
		return pue_err_set(err, PUE_E_CONFIG,
				   "net-snmp cannot derive a privacy key for this auth_protocol");
	}
	return 0;
}

void
pue_snmp_session_keys_wipe(struct pue_snmp_keys *k)
{
	explicit_bzero(k, sizeof(*k));
}

static void
set_v3(netsnmp_session *s, const struct pue_snmp_conf *c, const struct pue_snmp_keys *k)
{
	size_t len;

	s->version = SNMP_VERSION_3;
	s->securityModel = SNMP_SEC_MODEL_USM;
	s->securityName = c->user;
	s->securityNameLen = strlen(c->user);
	s->securityAuthProto = auth_protocol(c->auth, &len);
	s->securityAuthProtoLen = len;
	switch (c->level) {
	case PUE_SNMP_NOAUTH:
		s->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		return;
	case PUE_SNMP_AUTHNOPRIV:
		s->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
		break;
	case PUE_SNMP_AUTHPRIV:
		s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
		if (c->priv == PUE_SNMP_PRIV_DES) {
			s->securityPrivProto = usmDESPrivProtocol;
			s->securityPrivProtoLen = USM_PRIV_PROTO_DES_LEN;
		} else {
			s->securityPrivProto = usmAESPrivProtocol;
			s->securityPrivProtoLen = USM_PRIV_PROTO_AES_LEN;
		}
		memcpy(s->securityPrivKey, k->priv, k->priv_len);
		s->securityPrivKeyLen = k->priv_len;
		break;
	}
	memcpy(s->securityAuthKey, k->auth, k->auth_len);
	s->securityAuthKeyLen = k->auth_len;
}

void *
pue_snmp_session_open(const struct pue_device_conf *d, const char *addr,
		      const struct pue_snmp_keys *keys, struct pue_err *err)
{
	const struct pue_snmp_conf *c = &d->snmp;
	const char *host = addr != NULL ? addr : c->host;
	netsnmp_session s;
	netsnmp_transport *t;
	char peer[300];
	void *sessp;
	int fl;

	snmp_sess_init(&s);
	if (strchr(host, ':') != NULL) /* an IPv6 address */
		snprintf(peer, sizeof(peer), "udp6:[%s]:%u", host, c->port);
	else
		snprintf(peer, sizeof(peer), "udp:%s:%u", host, c->port);
	s.peername = peer;
	s.timeout = (long)d->timeout_ms * 1000; /* microseconds, real time */
	s.retries = (int)d->retries;
	switch (c->version) {
	case PUE_SNMP_V1:
	case PUE_SNMP_V2C:
		s.version = c->version == PUE_SNMP_V1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
		s.community = (u_char *)c->community.value;
		s.community_len = c->community.value ? strlen(c->community.value) : 0;
		break;
	case PUE_SNMP_V3:
		set_v3(&s, c, keys);
		s.flags |= SNMP_FLAGS_DONT_PROBE; /* see the top of this file */
		break;
	}
	sessp = snmp_sess_open(&s); /* copies everything it keeps */
	explicit_bzero(s.securityAuthKey, sizeof(s.securityAuthKey));
	explicit_bzero(s.securityPrivKey, sizeof(s.securityPrivKey));
	if (sessp == NULL) {
		pue_err_set(err, PUE_E_DEVICE, "cannot open %s: %s", peer,
			    snmp_api_errstring(s.s_snmp_errno));
		return NULL;
	}
	t = snmp_sess_transport(sessp);
	if (t == NULL || t->sock < 0) {
		snmp_sess_close(sessp);
		pue_err_set(err, PUE_E_DEVICE, "cannot open %s: no socket", peer);
		return NULL;
	}
	/* Reads happen only when epoll says a datagram waits, but a
	 * non-blocking socket makes sure a spurious wake-up cannot stall the
	 * loop. net-snmp opens it without close-on-exec. */
	fl = fcntl(t->sock, F_GETFL);
	if (fl < 0 || fcntl(t->sock, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(t->sock, F_SETFD, FD_CLOEXEC) < 0) {
		pue_err_set(err, -errno, "cannot open %s: fcntl: %s", peer, strerror(errno));
		snmp_sess_close(sessp);
		return NULL;
	}
	/* snmp_sess_open() clears the flag after opening; the first send
	 * would then probe synchronously. Set it again. */
	if (c->version == PUE_SNMP_V3)
		snmp_sess_session(sessp)->flags |= SNMP_FLAGS_DONT_PROBE;
	return sessp;
}

int
pue_snmp_session_fd(void *sessp)
{
	netsnmp_transport *t = snmp_sess_transport(sessp);

	return t != NULL ? t->sock : -1;
}

netsnmp_pdu *
pue_snmp_session_probe_pdu(void)
{
	netsnmp_pdu *pdu;
	struct usmUser *user;

	/* A report to the probe names the empty user; net-snmp accepts it
	 * only when an empty user with no engine ID is in its table, which
	 * its own probe (usm_build_probe_pdu()) creates the same way. */
	if (usm_get_user(NULL, 0, "") == NULL) {
		if ((user = usm_create_user()) == NULL)
			return NULL;
		user->name = strdup("");
		user->secName = strdup("");
		if (user->name == NULL || user->secName == NULL) {
			usm_free_user(user);
			return NULL;
		}
		user->userStorageType = ST_READONLY;
		usm_add_user(user);
	}
	if ((pdu = snmp_pdu_create(SNMP_MSG_GET)) == NULL)
		return NULL;
	pdu->version = SNMP_VERSION_3;
	pdu->securityName = strdup("");
	pdu->securityNameLen = 0;
	pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
	pdu->securityModel = SNMP_SEC_MODEL_USM;
	if (pdu->securityName == NULL) {
		snmp_free_pdu(pdu);
		return NULL;
	}
	return pdu;
}

static int
copy_id(u_char **dst, size_t *dst_len, const u_char *id, size_t len)
{
	u_char *copy = malloc(len);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, id, len);
	free(*dst);
	*dst = copy;
	*dst_len = len;
	return 0;
}

int
pue_snmp_session_set_engine(void *sessp, const u_char *id, size_t len, struct pue_err *err)
{
	netsnmp_session *s = snmp_sess_session(sessp);

	if (len == 0 || len > SNMP_MAX_ENG_SIZE)
		return pue_err_set(err, PUE_E_PROTO, "engine ID of %zu bytes (1..%d allowed)", len,
				   SNMP_MAX_ENG_SIZE);
	/* net-snmp copies the ID from the report into the session itself
	 * after the callback returns; doing it here too covers a probe
	 * answered with a response instead of a report. */
	if ((s->securityEngineIDLen != len || memcmp(s->securityEngineID, id, len) != 0) &&
	    copy_id(&s->securityEngineID, &s->securityEngineIDLen, id, len) < 0)
		return pue_err_set(err, -ENOMEM, "out of memory");
	if (s->contextEngineIDLen == 0 &&
	    copy_id(&s->contextEngineID, &s->contextEngineIDLen, id, len) < 0)
		return pue_err_set(err, -ENOMEM, "out of memory");
	if (usm_create_user_from_session(s) != SNMPERR_SUCCESS)
		return pue_err_set(err, PUE_E_DEVICE, "net-snmp could not set up the USM user");
	return 0;
}

bool
pue_snmp_session_forget_time(const u_char *engine, size_t len)
{
	u_int boots = 0, secs = 0;

	/* With authenticated set, get_enginetime() gives 0 boots unless an
	 * authenticated answer set them (snmpEngineBoots is 1.. otherwise). */
	if (len == 0 ||
	    get_enginetime(engine, (u_int)len, &boots, &secs, TRUE) != SNMPERR_SUCCESS ||
	    boots == 0)
		return false;
	/* Boots 0 and time 0 rather than free_enginetime(): that frees a
	 * whole hash bucket (other agents' engines with it), and an engine
	 * without an entry has its authenticated answers dropped until a new
	 * probe. With 0, the next request carries boots 0, the agent answers
	 * notInTimeWindow with its own boots and time, authenticated; net-snmp
	 * takes them (more than 0) and resends the request at once. */
	set_enginetime(engine, (u_int)len, 0, 0, TRUE);
	return true;
}

void
pue_snmp_session_forget_user(const u_char *engine, size_t len, const char *user)
{
	struct usmUser *u = usm_get_user(engine, len, user);

	if (u == NULL)
		return;
	usm_remove_user(u);	  /* returns the new list head, NULL once empty */
	u->next = u->prev = NULL; /* or usm_free_user() relinks its old neighbours */
	usm_free_user(u);
}

/* The reports an SNMPv3 agent sends instead of an answer (RFC 3414 3.2,
 * RFC 3412 7.2), each with the counter it names; "%.32s" is the user,
 * where the text has one. */
static const struct {
	int type;
	enum pue_snmp_report kind;
	const char *text;
} reports[] = {
	{SNMPERR_UNKNOWN_USER_NAME, PUE_SNMP_REPORT_AUTH,
	 "authentication failure: the agent has no user \"%.32s\" (usmStatsUnknownUserNames)"},
	{SNMPERR_AUTHENTICATION_FAILURE, PUE_SNMP_REPORT_AUTH,
	 "authentication failure: wrong auth_passphrase or auth_protocol for user \"%.32s\" "
	 "(usmStatsWrongDigests)"},
	{SNMPERR_DECRYPTION_ERR, PUE_SNMP_REPORT_AUTH,
	 "authentication failure: wrong priv_passphrase or priv_protocol for user \"%.32s\" "
	 "(usmStatsDecryptionErrors)"},
	{SNMPERR_UNSUPPORTED_SEC_LEVEL, PUE_SNMP_REPORT_AUTH,
	 "authentication failure: user \"%.32s\" does not allow this security_level "
	 "(usmStatsUnsupportedSecLevels)"},
	{SNMPERR_NOT_IN_TIME_WINDOW, PUE_SNMP_REPORT_TIME,
	 "not in the agent's time window (usmStatsNotInTimeWindows)"},
	{SNMPERR_UNKNOWN_ENG_ID, PUE_SNMP_REPORT_ENGINE,
	 "the agent's engine ID changed (usmStatsUnknownEngineIDs)"},
	{SNMPERR_BAD_CONTEXT, PUE_SNMP_REPORT_OTHER,
	 "unknown or unavailable context (snmpUnknownContexts)"},
	{SNMPERR_UNKNOWN_SEC_MODEL, PUE_SNMP_REPORT_OTHER,
	 "the agent does not know USM (snmpUnknownSecurityModels)"},
	{SNMPERR_INVALID_MSG, PUE_SNMP_REPORT_OTHER,
	 "the agent found the message invalid (snmpInvalidMsgs)"},
};

enum pue_snmp_report
pue_snmp_session_report(const netsnmp_pdu *pdu, const char *user, char *buf, size_t size)
{
	int type = snmpv3_get_report_type((netsnmp_pdu *)pdu);
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		if (reports[i].type != type)
			continue;
		if (strstr(reports[i].text, "%.32s") != NULL)
			snprintf(buf, size, reports[i].text, user != NULL ? user : "");
		else
			snprintf(buf, size, "%s", reports[i].text);
		return reports[i].kind;
	}
	if (pdu->variables != NULL)
		pue_snmp_value_oid_format(pdu->variables->name, pdu->variables->name_length, name,
					  sizeof(name));
	else
		snprintf(name, sizeof(name), "no variable");
	snprintf(buf, size, "unexpected report (%s)", name);
	return PUE_SNMP_REPORT_OTHER;
}

int
pue_snmp_session_resolve(const char *text, oid *out, size_t *n, struct pue_err *err)
{
	const char *sep = strstr(text, "::");
	char module[128];
	size_t len = MAX_OID_LEN;
	int rc;

	if (text[0] == '.' || (text[0] >= '0' && text[0] <= '9')) {
		if ((rc = pue_snmp_value_oid_parse(text, out, MAX_OID_LEN, n)) < 0)
			return pue_err_set(err, -EINVAL, "\"%s\" is not a numeric OID", text);
		return 0;
	}
	if (sep != NULL) {
		if ((size_t)(sep - text) >= sizeof(module))
			return pue_err_set(err, -EINVAL, "MIB module name too long in \"%.64s\"",
					   text);
		memcpy(module, text, (size_t)(sep - text));
		module[sep - text] = '\0';
		netsnmp_read_module(module);
	} else
		read_all_mibs(); /* a bare name may live in any module: slow, once */
	if (read_objid(text, out, &len) == 0)
		return pue_err_set(err, -EINVAL,
				   "net-snmp cannot resolve \"%s\" (MIB not installed in %s?); use "
				   "the numeric OID",
				   text, netsnmp_get_mib_directory());
	*n = len;
	return 0;
}
