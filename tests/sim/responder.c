/* SPDX-License-Identifier: MIT */
/*
 * responder.c - Modbus TCP requests in, libmodbus replies out.
 *
 * libmodbus's server side is written for one blocking client, and three
 * things in 3.1.6 would hurt an event loop serving many:
 *  - modbus_receive() ignores the MBAP length and protocol id and reads as
 *    many bytes as the function code implies, waiting in select() up to
 *    byte_timeout (0.5 s) for a partial frame. One slow client would stall
 *    everyone, and a frame whose MBAP length disagrees desynchronises the
 *    stream.
 *  - modbus_reply() answers an illegal quantity or function code by
 *    sleeping response_timeout (0.5 s) and then flushing the socket, which
 *    throws away any pipelined requests behind the bad one.
 *  - modbus_receive() does not look at the unit id at all on TCP (only the
 *    RTU backend filters by slave address), and modbus_reply() answers any.
 * So we peek first: only a complete frame with protocol id 0 is taken, and
 * modbus_receive() sees only read requests (fc 03/04) whose MBAP length
 * says the 12 bytes it will read, all already buffered. Other function
 * codes are read here and answered with modbus_reply_exception(), and the
 * quantity is checked before modbus_reply(). Error recovery stays at
 * libmodbus's default (none): with link recovery it would close and
 * reconnect the shared context.
 */
#include "responder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <modbus.h>

#include "regmap.h"

#define MBAP_BYTES 7	   /* transaction id, protocol id, length, unit id */
#define READ_REQ_BYTES 12  /* MBAP, function, address, quantity */
#define FRAMES_PER_PUMP 64 /* then let other clients have a turn */

enum { FRAME_READY = SIM_PUMP_EOF + 1 }; /* peek_frame(): distinct from enum sim_pump */

struct sim_responder {
	modbus_t *ctx;		 /* one context; its socket is set per client */
	modbus_mapping_t **maps; /* [unit - 1], for units 1..n_maps */
	unsigned n_maps;
	struct sim_hall *hall;		 /* borrowed */
	const struct sim_faults *faults; /* borrowed */
	const struct pue_clock *clock;	 /* borrowed */
	uint64_t requests;
};

struct sim_responder *
sim_responder_new(struct sim_hall *hall, const struct sim_faults *faults,
		  const struct pue_clock *clock, struct pue_err *err)
{
	struct sim_responder *r = calloc(1, sizeof(*r));
	unsigned i;

	if (r == NULL)
		goto nomem;
	r->hall = hall;
	r->faults = faults;
	r->clock = clock;
	/* The address is never used: we never connect, only lend sockets. */
	if ((r->ctx = modbus_new_tcp("127.0.0.1", MODBUS_TCP_DEFAULT_PORT)) == NULL) {
		pue_err_set(err, -errno, "modbus: modbus_new_tcp: %s", modbus_strerror(errno));
		goto fail;
	}
	r->n_maps = sim_hall_n_meters(hall);
	if ((r->maps = calloc(r->n_maps, sizeof(*r->maps))) == NULL)
		goto nomem;
	for (i = 0; i < r->n_maps; i++) {
		r->maps[i] = modbus_mapping_new_start_address(
			0, 0,			     /* coils: none */
			0, 0,			     /* discrete inputs: none */
			0, SIM_REGMAP_NB_REGISTERS,  /* holding registers */
			0, SIM_REGMAP_NB_REGISTERS); /* input registers */
		if (r->maps[i] == NULL)
			goto nomem;
	}
	return r;
nomem:
	pue_err_set(err, -ENOMEM, "modbus: out of memory");
fail:
	sim_responder_free(r);
	return NULL;
}

void
sim_responder_free(struct sim_responder *r)
{
	unsigned i;

	if (r == NULL)
		return;
	for (i = 0; r->maps != NULL && i < r->n_maps; i++)
		modbus_mapping_free(r->maps[i]);
	free(r->maps);
	if (r->ctx != NULL) {
		modbus_set_socket(r->ctx, -1); /* the last client's fd is not ours */
		modbus_free(r->ctx);
	}
	free(r);
}

uint64_t
sim_responder_requests(const struct sim_responder *r)
{
	return r->requests;
}

static int
reply_exception(struct sim_responder *r, const uint8_t *req, unsigned code, struct pue_err *err)
{
	if (modbus_reply_exception(r->ctx, req, code) < 0)
		return pue_err_set(err, -errno, "send exception 0x%02X: %s", code,
				   modbus_strerror(errno));
	return 0;
}

/* Loads the unit's registers with its values at this very moment. */
static modbus_mapping_t *
refresh(struct sim_responder *r, uint8_t unit)
{
	modbus_mapping_t *map = r->maps[unit - 1];
	double power_kw = 0, energy_kwh = 0;

	sim_hall_read(r->hall, pue_clock_mono(r->clock), unit, &power_kw, &energy_kwh);
	sim_regmap_encode(map->tab_registers, power_kw, energy_kwh);
	memcpy(map->tab_input_registers, map->tab_registers,
	       SIM_REGMAP_NB_REGISTERS * sizeof(*map->tab_registers));
	return map;
}

/* Decides what one complete request gets. Faults come first, so a test can
 * silence even a unit id that is not a meter. */
static int
answer(struct sim_responder *r, const uint8_t *req, int len, struct pue_err *err)
{
	uint8_t unit = req[MBAP_BYTES - 1], function = req[MBAP_BYTES];
	unsigned nb;

	switch (sim_faults_get(r->faults, unit)->mode) {
	case SIM_FAULT_NOANSWER:
		return 0;
	case SIM_FAULT_EXCEPTION:
		return reply_exception(r, req, MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE, err);
	case SIM_FAULT_NONE:
	default:
		break;
	}
	/* A gateway answers 0x0B for a device behind it that stays silent. We
	 * answer at once instead of after a timeout, so tests stay fast. */
	if (unit < 1 || unit > r->n_maps)
		return reply_exception(r, req, MODBUS_EXCEPTION_GATEWAY_TARGET, err);
	/* Meters are read-only: writes get "illegal function", as most do. */
	if (function != MODBUS_FC_READ_HOLDING_REGISTERS &&
	    function != MODBUS_FC_READ_INPUT_REGISTERS)
		return reply_exception(r, req, MODBUS_EXCEPTION_ILLEGAL_FUNCTION, err);
	nb = (unsigned)req[MBAP_BYTES + 3] << 8 | req[MBAP_BYTES + 4];
	if (nb < 1 || nb > MODBUS_MAX_READ_REGISTERS) /* before libmodbus sleeps and flushes */
		return reply_exception(r, req, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE, err);
	/* Beyond the 100 registers, modbus_reply() answers 0x02 itself. */
	if (modbus_reply(r->ctx, req, len, refresh(r, unit)) < 0)
		return pue_err_set(err, -errno, "send reply: %s", modbus_strerror(errno));
	return 0;
}

/* Looks at what is buffered without taking it. Returns FRAME_READY and
 * *frame_len when a whole frame is there, SIM_PUMP_WAIT or SIM_PUMP_EOF, or
 * a negative code for a frame no Modbus TCP client sends. */
static int
peek_frame(int fd, uint8_t *buf, size_t *frame_len, struct pue_err *err)
{
	ssize_t n;
	unsigned proto, len;

	do
		n = recv(fd, buf, MODBUS_TCP_MAX_ADU_LENGTH, MSG_PEEK | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return SIM_PUMP_EOF;
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return SIM_PUMP_WAIT;
		return pue_err_set(err, -errno, "recv: %s", strerror(errno));
	}
	if (n < MBAP_BYTES + 1) /* up to the function code */
		return SIM_PUMP_WAIT;
	proto = (unsigned)buf[2] << 8 | buf[3];
	len = (unsigned)buf[4] << 8 | buf[5]; /* unit id onwards */
	if (proto != 0)
		return pue_err_set(err, PUE_E_PROTO, "MBAP protocol id %u, expected 0", proto);
	if (len < 2 || len > MODBUS_TCP_MAX_ADU_LENGTH - 6)
		return pue_err_set(err, PUE_E_PROTO, "MBAP length %u, expected 2..%d", len,
				   MODBUS_TCP_MAX_ADU_LENGTH - 6);
	if ((size_t)n < 6 + (size_t)len)
		return SIM_PUMP_WAIT;
	*frame_len = 6 + len;
	return FRAME_READY;
}

/* Takes one whole frame (known to be buffered) off the socket into req. */
static int
take_frame(struct sim_responder *r, int fd, uint8_t *req, size_t frame_len, struct pue_err *err)
{
	uint8_t function = req[MBAP_BYTES]; /* from the peek */
	ssize_t n;

	if (function == MODBUS_FC_READ_HOLDING_REGISTERS ||
	    function == MODBUS_FC_READ_INPUT_REGISTERS) {
		if (frame_len != READ_REQ_BYTES)
			return pue_err_set(err, PUE_E_PROTO,
					   "function 0x%02X in a %zu-byte frame, expected %d",
					   function, frame_len, READ_REQ_BYTES);
		n = modbus_receive(r->ctx, req);
		if (n != READ_REQ_BYTES)
			return pue_err_set(err, n < 0 ? -errno : PUE_E_PROTO,
					   "modbus_receive: %zd bytes: %s", n,
					   n < 0 ? modbus_strerror(errno) : "short");
		return 0;
	}
	if (function == 0 || function >= 0x80) /* 0x80 and up are exception replies */
		return pue_err_set(err, PUE_E_PROTO, "function code 0x%02X", function);
	n = recv(fd, req, frame_len, MSG_DONTWAIT);
	if (n < 0 || (size_t)n != frame_len)
		return pue_err_set(err, PUE_E_PROTO, "recv: %zd of %zu buffered bytes", n,
				   frame_len);
	return 0;
}

int
sim_responder_pump(struct sim_responder *r, int fd, struct pue_err *err)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	size_t frame_len = 0;
	int i, rc;

	modbus_set_socket(r->ctx, fd);
	for (i = 0; i < FRAMES_PER_PUMP; i++) {
		if ((rc = peek_frame(fd, req, &frame_len, err)) != FRAME_READY)
			return rc;
		if ((rc = take_frame(r, fd, req, frame_len, err)) < 0)
			return rc;
		r->requests++;
		if ((rc = answer(r, req, (int)frame_len, err)) < 0)
			return rc;
	}
	return SIM_PUMP_MORE;
}
