/* SPDX-License-Identifier: MIT */
/*
 * pued_agentx.c - pued-agentx, the AgentX subagent that serves PUED-MIB
 * (conf/PUED-MIB.txt) for pued through the host's snmpd.
 *
 * pued starts it (lib/alerts/agentx.c says why it is a process of its own) with a
 * socket on --fd: pued writes frames of values (a u32 length, then the
 * payload of pue_alert_mib_values_encode()), this program answers the master
 * agent's GET, GETNEXT and GETBULK for PREFIX.1 from the last complete
 * frame, and writes '1' or '0' back whenever the AgentX session to the
 * master opens or closes. net-snmp's AgentX ping reconnects it when the
 * master restarts. While there is no session it looks at the master's
 * socket itself every PING_S seconds, to log why once (net-snmp's own
 * warning, which would come at every retry without the reason, is off),
 * and tells pued '0'. It exits when pued closes the socket (or dies).
 *
 *   pued-agentx --fd 3 --prefix 1.3.6.1.4.1.8072.9999 [--socket PATH] [-d]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "alerts/alert_mib.h"
#include "util/log.h"
#include "util/version.h"

#define APP "pued-agentx"
/* Seconds between AgentX pings, and between attempts to reach a master
 * that is gone. */
#define PING_S 5

/* The program's state: the values served and the socket to pued. */
static struct pue_mib_values served;
static int pued_fd = -1;
static uint8_t *inbuf;
static size_t in_len, in_cap;
static volatile sig_atomic_t stop;
static uint32_t prefix[PUE_MIB_MAX_PREFIX];
static size_t prefix_len;
/* The session with the master, for the log: the socket named, and the
 * reason last logged for not having one (0: none logged). */
static enum { MASTER_UNKNOWN, MASTER_UP, MASTER_DOWN } master;
static const char *master_socket = NETSNMP_AGENTX_SOCKET;
static int logged_reason;
static unsigned tries; /* looks at the socket since the reason was logged */

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
tell_pued(char state)
{
	if (pued_fd >= 0 && write(pued_fd, &state, 1) < 0) {
		/* pued is gone; the next read sees it */
	}
}

static int
on_session(int major, int minor, void *server, void *client)
{
	(void)major;
	(void)server;
	(void)client;
	master = minor == SNMPD_CALLBACK_INDEX_START ? MASTER_UP : MASTER_DOWN;
	logged_reason = 0; /* a reason found from now on is news */
	tries = 0;
	tell_pued(master == MASTER_UP ? '1' : '0');
	return 0;
}

/* Why a connection to the master's socket fails now: an errno value; 0 when
 * it is accepted (the session is on its way); -1 when the transport is not
 * a socket file ("tcp:host:port"), which is not looked at. */
static int
probe_master(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *path = master_socket;
	int fd, e = 0;

	if (strncmp(path, "unix:", 5) == 0)
		path += 5;
	if (path[0] != '/' || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0)
		e = errno;
	close(fd);
	return e;
}

/* Right after the start (reg 0), then every PING_S seconds (net-snmp
 * retries as often) while there is no session: the reason is logged when
 * it changes, each look at debug level. A master not on a socket file
 * counts as missing only from the first retry on: its session may be on
 * its way at the start. */
static void
check_master(unsigned int reg, void *arg)
{
	int e;

	(void)arg;
	if (master == MASTER_UP || (e = probe_master()) == 0 || (e < 0 && reg == 0))
		return;
	tries++;
	if (master == MASTER_UNKNOWN) {
		master = MASTER_DOWN;
		tell_pued('0');
	}
	if (e == logged_reason) {
		pue_log(LOG_DEBUG, "agentx: still no master agent at %s: %s (look %u)",
			master_socket, e > 0 ? strerror(e) : "no session", tries);
		return;
	}
	if (e > 0)
		pue_log(LOG_WARNING,
			"agentx: cannot connect to the master agent at %s: %s; trying again every "
			"%d s",
			master_socket, strerror(e), PING_S);
	else
		pue_log(LOG_WARNING,
			"agentx: no session with the master agent at %s; trying again every %d s",
			master_socket, PING_S);
	logged_reason = e;
	tries = 1;
}

static int
on_log(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *m = server;
	size_t n;

	(void)major;
	(void)minor;
	(void)client;
	if (m == NULL || m->msg == NULL)
		return 0;
	n = strlen(m->msg);
	while (n > 0 && (m->msg[n - 1] == '\n' || m->msg[n - 1] == '\r'))
		n--;
	if (n > 0)
		pue_log(m->priority > LOG_NOTICE ? LOG_DEBUG : m->priority, "agentx: %.*s", (int)n,
			m->msg);
	return 0;
}

/* Frames from pued ------------------------------------------------------ */

static void
take_frames(void)
{
	uint32_t len;
	struct pue_mib_values next;

	while (in_len >= 4) {
		memcpy(&len, inbuf, 4);
		if (len > PUE_MIB_FRAME_MAX) {
			pue_log(LOG_ERR, "agentx: a frame of %u bytes from pued, limit %u", len,
				PUE_MIB_FRAME_MAX);
			stop = 1;
			return;
		}
		if (in_len - 4 < len)
			return;
		if (pue_alert_mib_values_decode(inbuf + 4, len, &next) < 0) {
			pue_log(LOG_ERR, "agentx: a malformed frame from pued");
			stop = 1;
			return;
		}
		pue_alert_mib_values_sort(&next);
		pue_alert_mib_values_clear(&served);
		served = next;
		memmove(inbuf, inbuf + 4 + len, in_len - 4 - len);
		in_len -= 4 + len;
	}
}

static void
on_pued(int fd, void *arg)
{
	ssize_t n;

	(void)arg;
	if (in_cap - in_len < 65536) {
		size_t cap = in_cap ? in_cap * 2 : 1 << 20;
		uint8_t *grown;

		if (cap > PUE_MIB_FRAME_MAX + 4 + 65536 || (grown = realloc(inbuf, cap)) == NULL) {
			stop = 1;
			return;
		}
		inbuf = grown;
		in_cap = cap;
	}
	n = read(fd, inbuf + in_len, in_cap - in_len);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		stop = 1; /* pued closed the socket: done */
		return;
	}
	if (n > 0) {
		in_len += (size_t)n;
		take_frames();
	}
}

/* Answers from the values ----------------------------------------------- */

static void
set_value(netsnmp_variable_list *vb, const struct pue_mib_value *v)
{
	oid name[PUE_MIB_MAX_OID];
	size_t i;
	long l;
	u_long u;

	for (i = 0; i < v->oid_len; i++)
		name[i] = v->oid[i];
	snmp_set_var_objid(vb, name, v->oid_len);
	switch (v->type) {
	case PUE_MIB_OCTETS:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, v->octets, v->n_octets);
		break;
	case PUE_MIB_INTEGER:
		l = (long)v->number;
		snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l));
		break;
	case PUE_MIB_COUNTER32:
		u = (u_long)v->number;
		snmp_set_var_typed_value(vb, ASN_COUNTER, &u, sizeof(u));
		break;
	case PUE_MIB_GAUGE32:
		u = (u_long)v->number;
		snmp_set_var_typed_value(vb, ASN_GAUGE, &u, sizeof(u));
		break;
	}
}

static int
handle(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
       netsnmp_agent_request_info *info, netsnmp_request_info *requests)
{
	netsnmp_request_info *r;

	(void)handler;
	(void)reg;
	for (r = requests; r != NULL; r = r->next) {
		netsnmp_variable_list *vb = r->requestvb;
		uint32_t want[PUE_MIB_MAX_OID];
		const struct pue_mib_value *v;
		size_t i, n = vb->name_length < PUE_MIB_MAX_OID ? vb->name_length : PUE_MIB_MAX_OID;
		bool too_long = vb->name_length > PUE_MIB_MAX_OID;

		if (r->processed)
			continue;
		for (i = 0; i < n; i++)
			want[i] = vb->name[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)vb->name[i];
		switch (info->mode) {
		case MODE_GET:
			v = too_long ? NULL
				     : pue_alert_mib_values_find(&served, want, n, false, false);
			if (v == NULL)
				netsnmp_set_request_error(info, r, SNMP_NOSUCHINSTANCE);
			else
				set_value(vb, v);
			break;
		case MODE_GETNEXT:
			/* Nothing after it here: left unanswered, the agent
			 * asks the next subtree. */
			v = pue_alert_mib_values_find(&served, want, n, true,
						      r->inclusive && !too_long);
			if (v != NULL)
				set_value(vb, v);
			break;
		default:
			netsnmp_set_request_error(info, r, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

/* Setup ----------------------------------------------------------------- */

static int
setup(const char *socket_path)
{
	oid objects[PUE_MIB_MAX_OID];
	netsnmp_handler_registration *reg;
	size_t i;

	/* No snmpd.conf, no persistent state, no MIB files: everything this
	 * agent knows comes from pued. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	if (setenv("MIBS", "", 1) < 0 || setenv("MIBDIRS", "", 1) < 0)
		return -1;
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1); /* SUB_AGENT */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_ROOT_ACCESS, 1);
	/* pued logs the connection state it is told; net-snmp's own warning
	 * at every retry would repeat it. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS,
			       1);
	if (socket_path != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
				      socket_path);
	if (netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG) == NULL ||
	    snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, NULL) !=
		    SNMPERR_SUCCESS)
		return -1;
	init_agent(APP);
	/* After init_agent(): its agentx_config_init() sets the default, 15 s. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   PING_S);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, on_session,
			       NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, on_session,
			       NULL);
	for (i = 0; i < prefix_len; i++)
		objects[i] = prefix[i];
	objects[prefix_len] = PUE_MIB_OBJECTS;
	reg = netsnmp_create_handler_registration(APP, handle, objects, prefix_len + 1,
						  HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		return -1;
	if (register_readfd(pued_fd, on_pued, NULL) != 0)
		return -1;
	init_snmp(APP); /* connects, or keeps trying every PING_S seconds */
	if (socket_path != NULL)
		master_socket = socket_path;
	check_master(0, NULL);
	if (snmp_alarm_register(PING_S, SA_REPEAT, check_master, NULL) == 0)
		return -1;
	return 0;
}

static void
usage(FILE *out)
{
	fprintf(out, "usage: " APP " --fd N --prefix OID [--socket PATH] [-d]\n"
		     "       " APP " --version\n"
		     "  (started by pued when alerts.agentx is true; see pued(8))\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"fd", required_argument, NULL, 'f'},
		{"prefix", required_argument, NULL, 'p'},
		{"socket", required_argument, NULL, 's'},
		{"debug", no_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *socket_path = NULL, *prefix_text = NULL;
	pid_t parent = getppid();
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "f:p:s:dhV", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			errno = 0;
			pued_fd = (int)strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || pued_fd < 0)
				pued_fd = -1;
			break;
		case 'p':
			prefix_text = optarg;
			break;
		case 's':
			socket_path = optarg;
			break;
		case 'd':
			pue_log_set_level(LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf(APP " %s\n", pue_version());
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (pued_fd < 0 || prefix_text == NULL ||
	    pue_alert_mib_parse_prefix(prefix_text, prefix, &prefix_len) < 0 ||
	    prefix_len + 1 > PUE_MIB_MAX_PREFIX) {
		usage(stderr);
		return 2;
	}
	pue_log_open(APP, true);
	/* Never outlive pued. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (setup(socket_path) < 0) {
		pue_log(LOG_ERR, "agentx: cannot set up net-snmp's agent");
		return 1;
	}
	while (!stop)
		agent_check_and_process(1);
	unregister_readfd(pued_fd);
	snmp_shutdown(APP); /* closes the AgentX session */
	shutdown_agent();
	pue_alert_mib_values_clear(&served);
	free(inbuf);
	close(pued_fd);
	pue_log_close();
	return 0;
}
