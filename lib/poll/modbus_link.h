/* SPDX-License-Identifier: MIT */
/*
 * modbus_link.h - one Modbus connection (to a TCP host:port, which may
 * have several, or an RTU bus): connecting, reading with retries, and
 * recovering from what a facility network does to a connection. The
 * worker side of modbus_poll.c.
 *
 * A link owns a descriptor below PUE_MODBUS_FD_LIMIT for its whole life,
 * reserved at start as a /dev/null placeholder. A connect puts the socket
 * (or tty) on that very number with dup3(), and a close puts the
 * placeholder back, so libmodbus (whose select() cannot take 1024 and up)
 * never sees another descriptor, and nothing opened later can take the
 * number. TCP connects are made here with poll(), because libmodbus's own
 * connect calls select() on whatever socket() returned.
 *
 * A late answer to one read must never be taken for the answer to the
 * next (a wrong number, not an error). pued writes TCP reads itself, each
 * with the connection's next transaction id, and checks the whole MBAP
 * header of the answer (mbap.h: libmodbus 3.1.6 does not compare the unit
 * id or the MBAP length, and its raw requests all carry id 0); after a
 * read gets no answer, or an answer that is not its own or cannot be
 * framed, the TCP connection is closed, and the next request goes out on a
 * new one, where no earlier answer can come. On a serial bus, where
 * frames carry no transaction id, a request goes out only on a quiet line
 * and an answer counts only when it is alone on it (rtu_line.h): after a
 * read gets no answer or a rejected one, the line is drained until it has
 * been silent for a response timeout.
 *
 * Thread: a link is used by one worker at a time (the poller guarantees
 * it); init and fini run on the main thread.
 */
#ifndef PUE_MODBUS_LINK_H
#define PUE_MODBUS_LINK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#include "util/clock.h"
#include "config/config.h"
#include "util/err.h"
#include "poll/modbus_plan.h"

struct pue_modbus_link {
	const struct pue_device_conf *conf; /* the first device that named it (bus settings) */
	modbus_t *ctx;			    /* owned */
	int fd;				    /* reserved descriptor; -1 before init */
	int devnull;			    /* borrowed: the placeholder's source */
	bool connected;
	bool stale;		 /* RTU: not quiet after a failure: settle first */
	uint16_t tid;		 /* TCP: the last request's transaction id */
	const atomic_bool *stop; /* set when pued stops: no new attempt starts */
	pue_mono_t last_request;
	char where[96]; /* "127.0.0.1:1502" or "/dev/ttyUSB0" */
};

/* Names d's link into where (the key devices share a link by). */
void pue_modbus_link_name(const struct pue_device_conf *d, char *where, size_t len);

/* Sets l up for d's link and reserves its descriptor, the lowest free one
 * (a duplicate of devnull, which is borrowed and must stay open). Returns
 * 0, or -EMFILE when that descriptor is not below PUE_MODBUS_FD_LIMIT, or
 * another negative errno; err names the link. Undo with pue_modbus_link_fini()
 * in every case. Main thread. */
int pue_modbus_link_init(struct pue_modbus_link *l, const struct pue_device_conf *d, int devnull,
			 struct pue_err *err);

/* Closes the connection, releases the descriptor and the context. */
void pue_modbus_link_fini(struct pue_modbus_link *l);

/* How a read went, for the poll's error message and counters. */
struct pue_modbus_link_result {
	unsigned requests;	  /* requests sent, retries included */
	unsigned protocol_errors; /* answers rejected: not ours, or malformed */
	bool connect_failed;	  /* the last failure was a connect, not a read */
	char why[120];		  /* the last try's protocol error in words, or "" */
};

/* Reads r into dst for device d (its unit id, timeout and request gap),
 * connecting first when needed, with up to tries attempts. Returns 0, or
 * the errno of the last attempt (libmodbus's EMBX* for exceptions,
 * EMBBADSLAVE for an answer from another unit id, EMBBADDATA for one that
 * is not ours otherwise, with res->why saying how). A read counts only
 * when exactly the requested registers came back from the unit asked.
 * clock paces request_gap. Worker thread. */
int pue_modbus_link_read(struct pue_modbus_link *l, const struct pue_device_conf *d,
			 const struct pue_mb_read *r, uint16_t *dst, unsigned tries,
			 const struct pue_clock *clock, struct pue_modbus_link_result *res);

/* True for a failure after which the device's other reads would fail the
 * same way (no answer, connection lost): the poll stops there. False for
 * exceptions and malformed answers, which concern one read. */
bool pue_modbus_link_error_ends_poll(int e);

/* True for an answer that came but was rejected: from another unit id,
 * malformed, or failing its CRC. */
bool pue_modbus_link_is_protocol_error(int e);

/* Words for e: "no answer (timed out)", "exception 0x0B, gateway target
 * device failed to respond", "Connection refused". */
void pue_modbus_link_describe_errno(int e, char *buf, size_t len);

#endif
