/* SPDX-License-Identifier: MIT */
/*
 * snmp_answer.h - the SNMP poller's state, and building its requests and
 * reading what agents answer (snmp_answer.c). snmp_poll.c (polls,
 * sessions, timers, setup) sits above it: the answers never call back into
 * the poller, they only record. Not part of libpue's API: only those two
 * (and the SNMP fuzzer) include it.
 *
 * A poll is a set of requests (struct snmp_req) that all go out at once:
 * GETs of up to max_varbinds points, one walk per sum_column point, and,
 * before the first poll of a v3 device, the engine ID probe. net-snmp calls
 * back (pue_snmp_answer_received()) from snmp_sess_read2() when a datagram came
 * or from snmp_sess_timeout() when a loop timer fired. Callbacks only
 * record: values go into the points, follow-ups are marked RQ_QUEUED, and
 * the poller sends them once net-snmp has returned, so net-snmp is never
 * re-entered. Main thread only.
 */
#ifndef PUE_SNMP_ANSWER_H
#define PUE_SNMP_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "util/resolve.h"
#include <net-snmp/library/large_fd_set.h>

#include "util/clock.h"
#include "util/errtext.h"
#include "config/config.h"
#include "core/decode.h"
#include "poll/health.h"
#include "util/loop.h"
#include "poll/poll_schedule.h"
#include "poll/poller.h"
#include "poll/snmp_session.h"
#include "util/timer.h"

/* GETBULK/GETNEXT walks of one sum_column point stop with an error past
 * these: a PDU has a few dozen outlets, and an agent that never ends its
 * column must not keep a poll busy forever. */
#define PUE_SNMP_MAX_ROWS 4096
#define PUE_SNMP_MAX_WALK_REQUESTS 256

/* GETBULK max-repetitions: rows per answer of a walk (RFC 3416, 4.2.3). */
#define PUE_SNMP_MAX_REPETITIONS 32

enum snmp_pt_state { PT_PENDING, PT_OK, PT_FAILED };
enum snmp_rq_kind { RQ_GET, RQ_WALK, RQ_PROBE };
enum snmp_rq_state { RQ_QUEUED, RQ_FLIGHT, RQ_DONE };

struct snmp_point {
	oid *name; /* resolved oid, owned */
	size_t len;
	enum snmp_pt_state st; /* this poll */
	struct pue_raw raw;
	pue_wall_t wall;
	/* sum_column: the rows the last sum was made of (their index
	 * suffixes, hashed), to tell an energy sum whose rows changed */
	uint64_t rows_hash;
	size_t rows;
	bool rebased; /* this poll's rows differ from the last one's */
};

struct snmp_dev;

/* Where a walk stands: the last OID it was answered, arcs[0 .. cur_len)
 * of the request. Sized for the column and a short index, and grown to an
 * answer's OID when a longer one comes (at most MAX_OID_LEN): a buffer of
 * MAX_OID_LEN arcs per walk was a kilobyte a column point (issue 18). */
struct snmp_cursor {
	oid *arcs; /* owned by the device (snmp_poll.c) */
	size_t cap;
};

struct snmp_req {
	struct snmp_dev *d;
	enum snmp_rq_kind kind;
	enum snmp_rq_state state;
	long reqid;
	size_t first, n;	 /* RQ_GET: d->work[first .. first + n) */
	size_t point;		 /* RQ_WALK: the column point */
	struct snmp_cursor *cur; /* RQ_WALK: the last OID seen */
	size_t cur_len;
	struct pue_raw sum;
	size_t rows;
	uint64_t rows_hash; /* FNV-1a over the rows' index suffixes */
	unsigned sent;
};

struct snmp_dev {
	struct pue_snmp *m;
	size_t index;
	const struct pue_device_conf *conf;
	char *where; /* "127.0.0.1:161", for messages; owned */
	struct snmp_point *pts;
	size_t *gets; /* points read with GET, in configuration order */
	size_t n_gets, n_walks;
	size_t *work; /* this poll's copy of gets (v1 drops points from it); in gets' block */
	struct snmp_cursor *walk_cur; /* one per walk */
	/* Room for one per point: a get of one point each at worst (tooBig
	 * halves them), a walk each; the probe goes out alone, before them. */
	struct snmp_req *reqs;
	size_t n_reqs, cap_reqs;
	unsigned max_vb; /* varbinds per GET: max_varbinds, halved on tooBig */
	/* v3 with authentication: derived once, shared by the devices with
	 * the same credentials and freed by the first of them (own_keys);
	 * NULL otherwise (issue 18: 144 bytes every device held). */
	struct pue_snmp_keys *keys;
	bool own_keys;
	void *sessp; /* NULL until the first poll, and after a reset */
	/* A host name is resolved off the loop before each session opens
	 * (resolve.h): the lookup in progress, and the address it gave. */
	struct pue_lookup *lookup;
	char *addr; /* NULL until resolved (numeric hosts need none); owned */
	int fd;
	bool closing; /* snmp_sess_close() is calling back: ignore it */
	bool engine_known, probe_ok;
	u_char engine[SNMP_MAX_ENG_SIZE];
	size_t engine_len;
	u_char last_engine[SNMP_MAX_ENG_SIZE]; /* before this discovery, for the log */
	size_t last_engine_len;
	bool reset; /* close the session when this poll ends */
	/* the poll */
	bool busy, probing;
	bool timed_out, answered; /* a request of it timed out; a response came */
	pue_mono_t started;
	unsigned requests;
	struct pue_errtext error; /* the poll's first; none between polls (issue 18) */
	/* timers */
	struct pue_poll_schedule sched;
	struct pue_timer net_timer; /* net-snmp's next timeout or resend (real time) */
	struct pue_health health;
};

struct pue_snmp {
	struct pue_poller poller; /* first: the service's handle (poller.h) */
	struct snmp_dev *devs;
	size_t n_devs;
	struct snmp_dev **by_device; /* indexed like cfg->devices; NULL for others */
	struct pue_snmp_lib *lib;    /* a reference to net-snmp's owner; NULL: no devices */
	bool fds_ready;
	bool probing_loop;	  /* the loop's busy probe is registered */
	netsnmp_large_fd_set fds; /* for snmp_sess_read2() and select_info2 */
};

/* Keeps the first error of a poll (the one that explains the others). */
void pue_snmp_answer_error(struct snmp_dev *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends request r as a whole (timeout, report, agent error): each of its
 * points fails, with one message naming the request and the cause. */
void pue_snmp_answer_fail(struct snmp_req *r, const char *cause);

/* The PDU for request r (the caller sends and, on failure, frees it), or
 * NULL when memory runs out. */
netsnmp_pdu *pue_snmp_answer_build(struct snmp_dev *d, struct snmp_req *r);

/* net-snmp's callback for every request; magic is the struct snmp_req. */
int pue_snmp_answer_received(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic);

#endif
