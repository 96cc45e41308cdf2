/* SPDX-License-Identifier: MIT */
/*
 * responder.c - what each request gets, and Modbus TCP requests in,
 * libmodbus replies out.
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
 *
 * Every meter has the same 100 registers, refreshed into one shared
 * mapping just before each reply, so 1000 generic meters cost no more
 * memory than one.
 */
#include "responder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "regmap.h"

#define MBAP_BYTES 7	   /* transaction id, protocol id, length, unit id */
#define READ_REQ_BYTES 12  /* MBAP, function, address, quantity */
#define FRAMES_PER_PUMP 64 /* then let other clients have a turn */

enum { FRAME_READY = 100 }; /* peek_frame(): distinct from enum sim_pump */

/* Count slots per unit: fc 03, fc 04, anything else. */
enum { SLOT_FC03, SLOT_FC04, SLOT_OTHER, N_SLOTS };

/* Which TCP connections asked one unit (struct sim_stats). */
struct unit_conns {
	uint64_t last; /* the id of the connection that asked it last; 0: none */
	uint64_t changes;
};

struct sim_responder {
	modbus_t *ctx;			 /* one TCP context; its socket is set per client */
	modbus_mapping_t *map;		 /* refreshed for each reply */
	struct sim_meters *meters;	 /* borrowed */
	const struct sim_faults *faults; /* borrowed */
	const struct pue_clock *clock;	 /* borrowed */
	unsigned n_endpoints;
	uint64_t (*counts)[256][N_SLOTS]; /* [endpoint][unit][slot] */
	struct unit_conns (*conns)[256];  /* [endpoint][unit] */
	uint64_t requests, connections;
	uint64_t last_conn_id; /* never reset: a stats reset must not reuse a live id */
};

struct sim_responder *
sim_responder_new(struct sim_meters *m, const struct sim_faults *faults,
		  const struct pue_clock *clock, unsigned n_endpoints, struct pue_err *err)
{
	struct sim_responder *r = calloc(1, sizeof(*r));

	if (r == NULL)
		goto nomem;
	r->meters = m;
	r->faults = faults;
	r->clock = clock;
	r->n_endpoints = n_endpoints;
	if ((r->counts = calloc(n_endpoints ? n_endpoints : 1, sizeof(*r->counts))) == NULL ||
	    (r->conns = calloc(n_endpoints ? n_endpoints : 1, sizeof(*r->conns))) == NULL)
		goto nomem;
	/* The address is never used: we never connect, only lend sockets. */
	if ((r->ctx = modbus_new_tcp("127.0.0.1", MODBUS_TCP_DEFAULT_PORT)) == NULL) {
		pue_err_set(err, -errno, "modbus: modbus_new_tcp: %s", modbus_strerror(errno));
		goto fail;
	}
	r->map = modbus_mapping_new_start_address(0, 0,			       /* coils: none */
						  0, 0,			       /* discrete inputs */
						  0, SIM_REGMAP_NB_REGISTERS,  /* holding */
						  0, SIM_REGMAP_NB_REGISTERS); /* input */
	if (r->map == NULL)
		goto nomem;
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
	if (r == NULL)
		return;
	modbus_mapping_free(r->map);
	if (r->ctx != NULL) {
		modbus_set_socket(r->ctx, -1); /* the last client's fd is not ours */
		modbus_free(r->ctx);
	}
	free(r->counts);
	free(r->conns);
	free(r);
}

/* Decisions ------------------------------------------------------------ */

modbus_mapping_t *
sim_responder_refresh(struct sim_responder *r, int meter)
{
	double power_kw = 0, energy_kwh = 0;

	sim_meters_answer(r->meters, meter, pue_clock_mono(r->clock), &power_kw, &energy_kwh);
	sim_regmap_encode(r->map->tab_registers, power_kw, energy_kwh);
	memcpy(r->map->tab_input_registers, r->map->tab_registers,
	       SIM_REGMAP_NB_REGISTERS * sizeof(*r->map->tab_registers));
	return r->map;
}

/* The answer to the read pdu built here rather than by modbus_reply(), for
 * the faults that bend its framing: function, byte count and nb registers
 * from the address asked for. */
static size_t
read_pdu(struct sim_responder *r, int meter, const uint8_t *pdu, unsigned nb, uint8_t *out)
{
	unsigned addr = (unsigned)pdu[1] << 8 | pdu[2], i;
	const uint16_t *regs = sim_responder_refresh(r, meter)->tab_registers;
	size_t len = 0;

	out[len++] = pdu[0];
	out[len++] = (uint8_t)(2 * nb);
	for (i = 0; i < nb; i++) {
		out[len++] = (uint8_t)(regs[addr + i] >> 8);
		out[len++] = (uint8_t)regs[addr + i];
	}
	return len;
}

size_t
sim_responder_short_pdu(struct sim_responder *r, int meter, const uint8_t *pdu, uint8_t *out)
{
	unsigned nb = (unsigned)pdu[3] << 8 | pdu[4];

	/* Asked nb registers, the meter sends nb - 1, and says so in the byte
	 * count: a well-formed frame of the wrong size. */
	return read_pdu(r, meter, pdu, nb - 1, out);
}

size_t
sim_responder_read_pdu(struct sim_responder *r, int meter, const uint8_t *pdu, uint8_t *out)
{
	return read_pdu(r, meter, pdu, (unsigned)pdu[3] << 8 | pdu[4], out);
}

static void
count(struct sim_responder *r, unsigned endpoint, uint8_t unit, uint8_t function)
{
	int slot = function == MODBUS_FC_READ_HOLDING_REGISTERS ? SLOT_FC03
		   : function == MODBUS_FC_READ_INPUT_REGISTERS ? SLOT_FC04
								: SLOT_OTHER;

	r->requests++;
	if (endpoint < r->n_endpoints)
		r->counts[endpoint][unit][slot]++;
}

void
sim_responder_decide(struct sim_responder *r, unsigned endpoint, uint8_t unit, const uint8_t *pdu,
		     size_t pdu_len, bool late, struct sim_decision *d)
{
	const struct sim_fault *f = sim_faults_get(r->faults, endpoint, unit);
	uint8_t function = pdu[0], from = unit;
	unsigned addr, nb;

	*d = (struct sim_decision){.act = SIM_ACT_REPLY, .meter = -1};
	if (!late)
		count(r, endpoint, unit, function);
	/* Faults come first, so a test can silence even a unit id that is
	 * not a meter. */
	switch (f->mode) {
	case SIM_FAULT_NOANSWER:
		d->act = SIM_ACT_SILENT;
		return;
	case SIM_FAULT_EXCEPTION:
		d->act = SIM_ACT_EXCEPTION;
		d->code = f->code ? f->code : MODBUS_EXCEPTION_SLAVE_OR_SERVER_FAILURE;
		return;
	case SIM_FAULT_CLOSE:
		d->act = SIM_ACT_CLOSE;
		return;
	case SIM_FAULT_SLOW:
		if (!late) {
			d->act = SIM_ACT_HOLD;
			d->delay_ms = f->delay_ms;
			return;
		}
		break;
	case SIM_FAULT_OTHERUNIT:
		/* A gateway that routes the request to another device behind
		 * it: that device answers, under its own unit id. */
		d->other_unit = true;
		d->unit = f->unit;
		from = f->unit;
		break;
	case SIM_FAULT_WRONGLEN:
	case SIM_FAULT_MBAPLEN:
	case SIM_FAULT_TWICE:
	case SIM_FAULT_RESEND: /* late: the right answer now */
	case SIM_FAULT_NONE:
	default:
		break;
	}
	/* A gateway answers 0x0B for a device behind it that stays silent. We
	 * answer at once instead of after a timeout, so tests stay fast. */
	if ((d->meter = sim_meters_find(r->meters, endpoint, from)) < 0) {
		d->act = SIM_ACT_EXCEPTION;
		d->code = MODBUS_EXCEPTION_GATEWAY_TARGET;
		return;
	}
	/* Meters are read-only: writes get "illegal function", as most do. */
	if ((function != MODBUS_FC_READ_HOLDING_REGISTERS &&
	     function != MODBUS_FC_READ_INPUT_REGISTERS) ||
	    pdu_len < 5) {
		d->act = SIM_ACT_EXCEPTION;
		d->code = MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
		return;
	}
	addr = (unsigned)pdu[1] << 8 | pdu[2];
	nb = (unsigned)pdu[3] << 8 | pdu[4];
	if (nb < 1 || nb > MODBUS_MAX_READ_REGISTERS) { /* before libmodbus sleeps and flushes */
		d->act = SIM_ACT_EXCEPTION;
		d->code = MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE;
		return;
	}
	if (addr + nb > SIM_REGMAP_NB_REGISTERS) {
		d->act = SIM_ACT_EXCEPTION;
		d->code = MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS;
		return;
	}
	if (f->mode == SIM_FAULT_WRONGLEN)
		d->act = SIM_ACT_WRONGLEN;
	else if (f->mode == SIM_FAULT_MBAPLEN)
		d->act = SIM_ACT_MBAP_LEN;
	else if (f->mode == SIM_FAULT_TWICE)
		d->act = SIM_ACT_TWICE;
	else if (f->mode == SIM_FAULT_RESEND && !late) {
		d->act = SIM_ACT_RESEND;
		d->delay_ms = f->delay_ms;
	}
}

/* Statistics ----------------------------------------------------------- */

void
sim_responder_stats(const struct sim_responder *r, uint32_t endpoint, int unit,
		    struct sim_stats *out)
{
	unsigned e, u;

	memset(out, 0, sizeof(*out));
	for (e = 0; e < r->n_endpoints; e++) {
		if (endpoint != SIM_FAULT_ALL_ENDPOINTS && endpoint != e)
			continue;
		for (u = 0; u < 256; u++) {
			if (unit >= 0 && (unsigned)unit != u)
				continue;
			out->fc03 += r->counts[e][u][SLOT_FC03];
			out->fc04 += r->counts[e][u][SLOT_FC04];
			out->other += r->counts[e][u][SLOT_OTHER];
			out->connections += r->conns[e][u].changes;
		}
	}
	out->requests = out->fc03 + out->fc04 + out->other;
	if (endpoint == SIM_FAULT_ALL_ENDPOINTS && unit < 0)
		out->connections = r->connections;
}

void
sim_responder_stats_reset(struct sim_responder *r)
{
	memset(r->counts, 0, (r->n_endpoints ? r->n_endpoints : 1) * sizeof(*r->counts));
	memset(r->conns, 0, (r->n_endpoints ? r->n_endpoints : 1) * sizeof(*r->conns));
	r->requests = 0;
	r->connections = 0;
}

uint64_t
sim_responder_note_connection(struct sim_responder *r)
{
	r->connections++;
	return ++r->last_conn_id;
}

/* Notes that c asked unit (a request taken off it, late answers aside). */
static void
note_unit_conn(struct sim_responder *r, const struct sim_conn *c, uint8_t unit)
{
	struct unit_conns *u;

	if (c->endpoint >= r->n_endpoints)
		return;
	u = &r->conns[c->endpoint][unit];
	if (u->last != c->id)
		u->changes++;
	u->last = c->id;
}

uint64_t
sim_responder_requests(const struct sim_responder *r)
{
	return r->requests;
}

/* Modbus TCP ----------------------------------------------------------- */

static int
send_all(int fd, const uint8_t *buf, size_t len, struct pue_err *err)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) /* replies are tiny: a full buffer is a stuck client */
		return pue_err_set(err, n < 0 ? -errno : -EAGAIN, "send: %s",
				   n < 0 ? strerror(errno) : "short write");
	return 0;
}

/* Sends an answer built here: the MBAP header of req (transaction id,
 * protocol id, unit id) with an MBAP length of the unit id, the n bytes of
 * PDU already in rsp + MBAP_BYTES, and extra bytes that never come. */
static int
send_built(struct sim_conn *c, const uint8_t *req, uint8_t *rsp, size_t n, size_t extra,
	   struct pue_err *err)
{
	memcpy(rsp, req, MBAP_BYTES);
	rsp[4] = (uint8_t)((n + 1 + extra) >> 8);
	rsp[5] = (uint8_t)(n + 1 + extra);
	return send_all(c->fd, rsp, MBAP_BYTES + n, err) < 0 ? err->code : SIM_PUMP_WAIT;
}

/* Carries out d for the request req (a whole MBAP frame) on c. */
static int
act_tcp(struct sim_responder *r, struct sim_conn *c, const uint8_t *req, size_t len,
	const struct sim_decision *d, struct pue_err *err)
{
	uint8_t rsp[2 * MODBUS_TCP_MAX_ADU_LENGTH]; /* SIM_ACT_TWICE sends two */
	uint8_t other[MODBUS_TCP_MAX_ADU_LENGTH];
	const uint8_t *as = req; /* the request as the answer echoes it */
	size_t n;

	if (d->other_unit) {
		/* libmodbus answers under the request's unit id: give it a
		 * copy that names the unit answering. */
		memcpy(other, req, len);
		other[MBAP_BYTES - 1] = d->unit;
		as = other;
	}
	modbus_set_socket(r->ctx, c->fd);
	switch (d->act) {
	case SIM_ACT_REPLY:
		if (modbus_reply(r->ctx, as, (int)len, sim_responder_refresh(r, d->meter)) < 0)
			return pue_err_set(err, -errno, "send reply: %s", modbus_strerror(errno));
		return SIM_PUMP_WAIT;
	case SIM_ACT_EXCEPTION:
		if (modbus_reply_exception(r->ctx, as, d->code) < 0)
			return pue_err_set(err, -errno, "send exception 0x%02X: %s", d->code,
					   modbus_strerror(errno));
		return SIM_PUMP_WAIT;
	case SIM_ACT_WRONGLEN:
		n = sim_responder_short_pdu(r, d->meter, as + MBAP_BYTES, rsp + MBAP_BYTES);
		return send_built(c, as, rsp, n, 0, err);
	case SIM_ACT_MBAP_LEN:
		n = sim_responder_read_pdu(r, d->meter, as + MBAP_BYTES, rsp + MBAP_BYTES);
		return send_built(c, as, rsp, n, 1, err);
	case SIM_ACT_TWICE:
		n = sim_responder_read_pdu(r, d->meter, as + MBAP_BYTES, rsp + MBAP_BYTES);
		memcpy(rsp, as, MBAP_BYTES);
		rsp[4] = (uint8_t)((n + 1) >> 8);
		rsp[5] = (uint8_t)(n + 1);
		memcpy(rsp + MBAP_BYTES + n, rsp, MBAP_BYTES + n); /* one send: back to back */
		return send_all(c->fd, rsp, 2 * (MBAP_BYTES + n), err) < 0 ? err->code
									   : SIM_PUMP_WAIT;
	case SIM_ACT_RESEND:
		n = sim_responder_short_pdu(r, d->meter, as + MBAP_BYTES, rsp + MBAP_BYTES);
		if (send_built(c, as, rsp, n, 0, err) < 0)
			return err->code;
		memcpy(c->held, req, len);
		c->held_len = len;
		c->hold_ms = d->delay_ms;
		return SIM_PUMP_HOLD;
	case SIM_ACT_CLOSE:
		return SIM_PUMP_CLOSE;
	case SIM_ACT_HOLD:
		memcpy(c->held, req, len);
		c->held_len = len;
		c->hold_ms = d->delay_ms;
		return SIM_PUMP_HOLD;
	case SIM_ACT_SILENT:
	default:
		return SIM_PUMP_WAIT;
	}
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
sim_responder_pump(struct sim_responder *r, struct sim_conn *c, struct pue_err *err)
{
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
	struct sim_decision d;
	size_t frame_len = 0;
	int i, rc;

	for (i = 0; i < FRAMES_PER_PUMP; i++) {
		modbus_set_socket(r->ctx, c->fd);
		if ((rc = peek_frame(c->fd, req, &frame_len, err)) != FRAME_READY)
			return rc;
		if ((rc = take_frame(r, c->fd, req, frame_len, err)) < 0)
			return rc;
		note_unit_conn(r, c, req[MBAP_BYTES - 1]);
		sim_responder_decide(r, c->endpoint, req[MBAP_BYTES - 1], req + MBAP_BYTES,
				     frame_len - MBAP_BYTES, false, &d);
		rc = act_tcp(r, c, req, frame_len, &d, err);
		if (rc != SIM_PUMP_WAIT)
			return rc;
	}
	return SIM_PUMP_MORE;
}

int
sim_responder_release(struct sim_responder *r, struct sim_conn *c, struct pue_err *err)
{
	struct sim_decision d;
	size_t len = c->held_len;

	c->held_len = 0;
	sim_responder_decide(r, c->endpoint, c->held[MBAP_BYTES - 1], c->held + MBAP_BYTES,
			     len - MBAP_BYTES, true, &d);
	return act_tcp(r, c, c->held, len, &d, err);
}
