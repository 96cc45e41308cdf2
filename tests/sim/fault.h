/* SPDX-License-Identifier: MIT */
/*
 * fault.h - misbehaviour the simulator can be told to show, per unit id.
 *
 * The control socket sets a mode per unit ("fault UNIT MODE"); the Modbus
 * responder asks for it on every request and acts on it in one switch
 * (responder.c, answer()). Any unit id 0..255 may carry a fault, including
 * ids that are not meters, so a test can make an unknown unit silent
 * instead of answering 0x0B.
 *
 * Adding a mode: add it to the enum and to the name table in fault.c, give
 * it its argument in struct sim_fault if it needs one (slow: delay_ms),
 * then handle it in answer(). Modes that change values rather than the
 * reply (counter-reset) belong in the model and read the same table.
 * Main thread only.
 */
#ifndef SIM_FAULT_H
#define SIM_FAULT_H

#include <stdint.h>

enum sim_fault_mode {
	SIM_FAULT_NONE,	     /* answer normally */
	SIM_FAULT_NOANSWER,  /* swallow the request: the client times out */
	SIM_FAULT_EXCEPTION, /* answer exception 0x04, server device failure */
};

struct sim_fault {
	enum sim_fault_mode mode;
};

struct sim_faults; /* opaque: one struct sim_fault per unit id 0..255 */

/* Returns a table with every unit at SIM_FAULT_NONE, or NULL without
 * memory. Free with sim_faults_free(). */
struct sim_faults *sim_faults_new(void);

/* Frees f. NULL is accepted. */
void sim_faults_free(struct sim_faults *f);

void sim_faults_set(struct sim_faults *f, uint8_t unit, const struct sim_fault *fault);
const struct sim_fault *sim_faults_get(const struct sim_faults *f, uint8_t unit);

/* Parses a mode name ("none", "noanswer", "exception"). Returns 0, or
 * -EINVAL for an unknown name. */
int sim_fault_mode_parse(const char *name, enum sim_fault_mode *mode);

/* The accepted names, "none|noanswer|exception", for messages. */
const char *sim_fault_mode_names(void);

#endif
