/* SPDX-License-Identifier: MIT */
/*
 * responder.h - answers Modbus requests from the simulated meters.
 *
 * The decision is the same for every transport: sim_responder_decide()
 * counts the request, looks up the unit's fault on its endpoint and the
 * meter behind the unit id, and says what the request gets. Modbus TCP
 * framing lives here too: the server hands over a connection when it is
 * readable, and the responder takes every complete request waiting on it
 * and replies through libmodbus. It never blocks: a partial frame stays in
 * the kernel until the rest arrives (see responder.c for why that matters
 * with libmodbus). The RTU bus (rtu.c) frames its own requests and asks
 * for the same decisions. Main thread only.
 */
#ifndef SIM_RESPONDER_H
#define SIM_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#include "util/clock.h"
#include "util/err.h"
#include "fault.h"
#include "meters.h"

struct sim_responder; /* opaque */

/* Returns a responder for the meters of m on n_endpoints endpoints (TCP
 * ports, then the RTU bus). m, faults and clock are borrowed and must
 * outlive it. NULL with err filled on failure. Free with
 * sim_responder_free(). */
struct sim_responder *sim_responder_new(struct sim_meters *m, const struct sim_faults *faults,
					const struct pue_clock *clock, unsigned n_endpoints,
					struct pue_err *err);

/* Frees r. NULL is accepted. */
void sim_responder_free(struct sim_responder *r);

/* What one request gets. */
enum sim_action {
	SIM_ACT_REPLY,	   /* the registers, through modbus_reply() */
	SIM_ACT_EXCEPTION, /* exception `code` */
	SIM_ACT_SILENT,	   /* nothing */
	SIM_ACT_WRONGLEN,  /* one register fewer than asked (sim_responder_short_pdu) */
	SIM_ACT_CLOSE,	   /* drop the connection */
	SIM_ACT_HOLD,	   /* decide again delay_ms later with late = true */
	SIM_ACT_MBAP_LEN,  /* the registers, with an MBAP length one more than follows */
	SIM_ACT_TWICE,	   /* the registers, the same answer twice in one write */
	SIM_ACT_RESEND,	   /* a wrong-length answer now, then as SIM_ACT_HOLD */
};

struct sim_decision {
	enum sim_action act;
	unsigned code;	   /* SIM_ACT_EXCEPTION */
	unsigned delay_ms; /* SIM_ACT_HOLD, SIM_ACT_RESEND */
	int meter;	   /* every act that answers with registers */
	bool other_unit;   /* the answer carries unit id `unit`, not the request's */
	uint8_t unit;
};

/* Decides for one complete request: pdu[0] is the function code, then for
 * reads the address and quantity (pdu_len >= 5). late is true when a held
 * request comes back after its delay (it is not counted again, and the
 * slow fault does not hold it twice). */
void sim_responder_decide(struct sim_responder *r, unsigned endpoint, uint8_t unit,
			  const uint8_t *pdu, size_t pdu_len, bool late, struct sim_decision *d);

/* The meter's registers at this very moment, in a mapping modbus_reply()
 * can answer from (shared; valid until the next call). */
modbus_mapping_t *sim_responder_refresh(struct sim_responder *r, int meter);

/* Builds the wrong-length answer to a read: function, byte count and one
 * register fewer than pdu asks for. Returns its length in out (size >=
 * MODBUS_MAX_PDU_LENGTH). */
size_t sim_responder_short_pdu(struct sim_responder *r, int meter, const uint8_t *pdu,
			       uint8_t *out);

/* Builds the right answer to a read, as sim_responder_short_pdu() does, for
 * the faults that send it in their own way. */
size_t sim_responder_read_pdu(struct sim_responder *r, int meter, const uint8_t *pdu, uint8_t *out);

/* A Modbus TCP connection as the responder sees it. */
struct sim_conn {
	int fd;
	unsigned endpoint;
	uint64_t id; /* sim_responder_note_connection()'s number for it */
	uint8_t held[MODBUS_TCP_MAX_ADU_LENGTH]; /* a request to answer late */
	size_t held_len;
	unsigned hold_ms;
};

enum sim_pump {
	SIM_PUMP_WAIT = 0,  /* everything complete was served; wait for more data */
	SIM_PUMP_MORE = 1,  /* the per-call budget ran out; call again soon */
	SIM_PUMP_EOF = 2,   /* the peer closed the connection */
	SIM_PUMP_HOLD = 3,  /* a request waits in c->held: call sim_responder_release()
			     * c->hold_ms from now, and read nothing meanwhile */
	SIM_PUMP_CLOSE = 4, /* a fault asks to close the connection */
};

/* Serves the complete requests buffered on c->fd (non-blocking, below
 * FD_SETSIZE), at most a fixed budget per call so one busy client cannot
 * starve the others. Returns an enum sim_pump, or a negative code with err
 * filled when the client must be dropped (protocol violation, send
 * failure). */
int sim_responder_pump(struct sim_responder *r, struct sim_conn *c, struct pue_err *err);

/* Answers the request held on c. Returns SIM_PUMP_WAIT or SIM_PUMP_CLOSE,
 * or a negative code with err filled. */
int sim_responder_release(struct sim_responder *r, struct sim_conn *c, struct pue_err *err);

/* Request counts, for the control socket's stats command. */
struct sim_stats {
	uint64_t requests; /* complete requests received, answered or not */
	uint64_t fc03, fc04, other;
	/* Totals: TCP connections accepted. Per unit: the TCP connections its
	 * requests came on, counted each time one comes on another connection
	 * than the request before it (1 when one connection asked it all). */
	uint64_t connections;
};

/* Sums the counts of unit (0..255, or -1 for every unit) on endpoint (or
 * SIM_FAULT_ALL_ENDPOINTS). */
void sim_responder_stats(const struct sim_responder *r, uint32_t endpoint, int unit,
			 struct sim_stats *out);

/* Zeroes every count. */
void sim_responder_stats_reset(struct sim_responder *r);

/* Counts one accepted TCP connection; returns its number (1, 2, ...) for
 * its struct sim_conn's id. */
uint64_t sim_responder_note_connection(struct sim_responder *r);

/* Requests received since start (or the last reset), answered or not. */
uint64_t sim_responder_requests(const struct sim_responder *r);

#endif
