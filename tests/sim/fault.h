/* SPDX-License-Identifier: MIT */
/*
 * fault.h - misbehaviour the simulator can be told to show, per endpoint
 * and unit id.
 *
 * An endpoint is one listening TCP port (0 .. ports-1, in --ports-file
 * order) or the RTU bus (index ports). The control socket sets a mode for a
 * unit on one endpoint or on all of them ("fault UNIT MODE", "fault
 * PORT:UNIT MODE"); the responder asks for it on every request and acts on
 * it in one switch (responder.c, sim_responder_decide()). Any unit id
 * 0..255 may carry a fault, including ids that are not meters, so a test
 * can make an unknown unit silent instead of answering 0x0B.
 *
 * Counter reset is not a mode but an action on the model (meters.c); the
 * command that asks for it shares this syntax. Main thread only.
 */
#ifndef SIM_FAULT_H
#define SIM_FAULT_H

#include <stdint.h>

enum sim_fault_mode {
	SIM_FAULT_NONE,	     /* answer normally */
	SIM_FAULT_NOANSWER,  /* swallow the request: the client times out */
	SIM_FAULT_EXCEPTION, /* answer exception `code` (default 0x04, server device failure) */
	SIM_FAULT_SLOW,	     /* answer correctly, delay_ms later */
	SIM_FAULT_CLOSE,     /* close the TCP connection on the request (RTU: silence) */
	SIM_FAULT_WRONGLEN,  /* answer one register fewer than asked, consistently framed */
	SIM_FAULT_OTHERUNIT, /* another unit answers: its registers, its unit id (`unit`) */
	SIM_FAULT_MBAPLEN,   /* answer correctly, with an MBAP length one more than follows */
	SIM_FAULT_TWICE,     /* answer correctly, twice over, back to back (one write) */
	SIM_FAULT_RESEND,    /* a wrong-length answer at once, the right one delay_ms later */
};

/* Longest delay of the slow and retransmit modes: beyond any response
 * timeout pued takes. */
#define SIM_FAULT_MAX_DELAY_MS 120000

struct sim_fault {
	enum sim_fault_mode mode;
	unsigned delay_ms; /* SIM_FAULT_SLOW, _RESEND: 1..SIM_FAULT_MAX_DELAY_MS */
	unsigned code;	   /* SIM_FAULT_EXCEPTION only: 1..11 */
	uint8_t unit;	   /* SIM_FAULT_OTHERUNIT only: the unit id that answers */
};

/* Endpoint argument meaning "every endpoint". */
#define SIM_FAULT_ALL_ENDPOINTS UINT32_MAX

struct sim_faults; /* opaque: one struct sim_fault per endpoint and unit id */

/* Returns a table for n_endpoints endpoints with every unit at
 * SIM_FAULT_NONE, or NULL without memory. Free with sim_faults_free(). */
struct sim_faults *sim_faults_new(unsigned n_endpoints);

/* Frees f. NULL is accepted. */
void sim_faults_free(struct sim_faults *f);

/* Sets unit's fault on endpoint (< n_endpoints) or on all of them. */
void sim_faults_set(struct sim_faults *f, uint32_t endpoint, uint8_t unit,
		    const struct sim_fault *fault);
const struct sim_fault *sim_faults_get(const struct sim_faults *f, unsigned endpoint, uint8_t unit);

/* Parses a mode name ("none", "noanswer", "exception", "slow", "close",
 * "wronglen", "otherunit", "mbaplen", "twice", "retransmit"). Returns 0,
 * or -EINVAL for an unknown name. */
int sim_fault_mode_parse(const char *name, enum sim_fault_mode *mode);

/* The accepted names, for messages. */
const char *sim_fault_mode_names(void);

#endif
