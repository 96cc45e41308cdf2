/* SPDX-License-Identifier: MIT */
/* rtu.c - Modbus RTU on a serial line (a pty in tests); see rtu.h. */
#include "rtu.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#include "util/log.h"

#define REQ_BYTES 8	    /* unit, function, address, quantity, CRC */
#define PARTIAL_DROP_MS 100 /* a partial frame this old is line noise */
#define BUF_BYTES 512
#define REWATCH_MS 200 /* after EIO (the pty's other end closed), look again */

struct sim_rtu {
	struct sim_watch w;
	struct sim_loop *loop;		 /* borrowed */
	struct sim_responder *responder; /* borrowed */
	modbus_t *ctx;
	unsigned endpoint;
	uint8_t buf[BUF_BYTES];
	size_t len;
	int64_t partial_timer;
	uint8_t held[REQ_BYTES]; /* the request a slow unit answers late */
	int64_t hold_timer;	 /* > 0 while it is held */
	int64_t rewatch_timer;	 /* > 0 while the line is unwatched after an error */
};

/* CRC-16/MODBUS (Modbus over Serial Line v1.02, 6.2.2): reflected 0xA001,
 * initial 0xFFFF, sent low byte first. */
static uint16_t
crc16(const uint8_t *p, size_t n)
{
	uint16_t crc = 0xFFFF;
	size_t i;
	int bit;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
	}
	return crc;
}

static bool
crc_ok(const uint8_t *frame, size_t len)
{
	uint16_t crc = crc16(frame, len - 2);

	return frame[len - 2] == (crc & 0xFF) && frame[len - 1] == (crc >> 8);
}

/* Appends the CRC to frame (len bytes, room for 2 * (len + 2)) and sends
 * it copies (1 or 2) times in one write. */
static void
write_frame(struct sim_rtu *b, uint8_t *frame, size_t len, int copies)
{
	uint16_t crc = crc16(frame, len);
	ssize_t n;

	frame[len++] = (uint8_t)(crc & 0xFF);
	frame[len++] = (uint8_t)(crc >> 8);
	if (copies == 2) {
		memcpy(frame + len, frame, len);
		len *= 2;
	}
	do
		n = write(b->w.fd, frame, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		pue_log(LOG_WARNING, "rtu: write: %s", n < 0 ? strerror(errno) : "short");
}

static void on_hold_done(void *arg);

/* Answers req later (the slow and retransmit faults). */
static void
hold(struct sim_rtu *b, const uint8_t *req, const struct sim_decision *d)
{
	struct pue_err err = {0};
	int64_t id;

	if (b->hold_timer > 0)
		return; /* busy with another late answer: deaf, as a slave is */
	id = sim_loop_add_timer(b->loop, d->delay_ms, on_hold_done, b, &err);
	if (id < 0) {
		pue_log(LOG_WARNING, "rtu: %s", err.msg);
		return;
	}
	memcpy(b->held, req, REQ_BYTES);
	b->hold_timer = id;
}

static void
act(struct sim_rtu *b, const uint8_t *req, const struct sim_decision *d)
{
	uint8_t rsp[2 * MODBUS_RTU_MAX_ADU_LENGTH], other[REQ_BYTES]; /* TWICE: two */
	size_t n;

	modbus_set_slave(b->ctx, req[0]);
	switch (d->act) {
	case SIM_ACT_REPLY:
	case SIM_ACT_MBAP_LEN: /* a serial line has no MBAP header */
		if (d->other_unit) {
			/* modbus_reply() answers from the request's address */
			memcpy(other, req, REQ_BYTES);
			other[0] = d->unit;
			req = other;
		}
		if (modbus_reply(b->ctx, req, REQ_BYTES,
				 sim_responder_refresh(b->responder, d->meter)) < 0)
			pue_log(LOG_WARNING, "rtu: reply: %s", modbus_strerror(errno));
		break;
	case SIM_ACT_EXCEPTION:
		if (req[0] != 0 && modbus_reply_exception(b->ctx, req, d->code) < 0)
			pue_log(LOG_WARNING, "rtu: exception: %s", modbus_strerror(errno));
		break;
	case SIM_ACT_WRONGLEN:
		if (req[0] == 0) /* broadcasts are never answered */
			break;
		rsp[0] = req[0];
		n = sim_responder_short_pdu(b->responder, d->meter, req + 1, rsp + 1);
		write_frame(b, rsp, 1 + n, 1);
		break;
	case SIM_ACT_TWICE:
		if (req[0] == 0)
			break;
		rsp[0] = req[0];
		n = sim_responder_read_pdu(b->responder, d->meter, req + 1, rsp + 1);
		write_frame(b, rsp, 1 + n, 2);
		break;
	case SIM_ACT_RESEND:
		if (req[0] == 0 || b->hold_timer > 0)
			break;
		rsp[0] = req[0];
		n = sim_responder_short_pdu(b->responder, d->meter, req + 1, rsp + 1);
		write_frame(b, rsp, 1 + n, 1);
		hold(b, req, d);
		break;
	case SIM_ACT_HOLD:
		hold(b, req, d);
		break;
	case SIM_ACT_CLOSE: /* no connection on a serial line: silence */
	case SIM_ACT_SILENT:
	default:
		break;
	}
}

static void
on_hold_done(void *arg)
{
	struct sim_rtu *b = arg;
	struct sim_decision d;

	b->hold_timer = 0;
	sim_responder_decide(b->responder, b->endpoint, b->held[0], b->held + 1, REQ_BYTES - 3,
			     true, &d);
	act(b, b->held, &d);
}

static void
serve(struct sim_rtu *b, const uint8_t *req)
{
	struct sim_decision d;

	sim_responder_decide(b->responder, b->endpoint, req[0], req + 1, REQ_BYTES - 3, false, &d);
	/* The busy unit does not hear its own retries. */
	if (b->hold_timer > 0 && req[0] == b->held[0])
		return;
	act(b, req, &d);
}

static void
on_partial_stale(void *arg)
{
	struct sim_rtu *b = arg;

	b->partial_timer = 0;
	if (b->len > 0)
		pue_log(LOG_DEBUG, "rtu: dropped %zu bytes that made no frame", b->len);
	b->len = 0;
}

/* Takes every whole request out of the buffer. */
static void
parse(struct sim_rtu *b)
{
	struct pue_err err = {0};
	size_t off = 0;

	while (b->len - off >= REQ_BYTES) {
		if (crc_ok(b->buf + off, REQ_BYTES)) {
			serve(b, b->buf + off);
			off += REQ_BYTES;
		} else
			off++; /* resynchronise on the next byte */
	}
	memmove(b->buf, b->buf + off, b->len - off);
	b->len -= off;
	if (b->partial_timer > 0)
		sim_loop_cancel(b->loop, b->partial_timer);
	b->partial_timer = 0;
	if (b->len > 0) {
		int64_t id =
			sim_loop_add_timer(b->loop, PARTIAL_DROP_MS, on_partial_stale, b, &err);

		b->partial_timer = id > 0 ? id : 0;
	}
}

static void
on_rewatch(void *arg)
{
	struct sim_rtu *b = arg;
	struct pue_err err = {0};

	b->rewatch_timer = 0;
	if (sim_loop_add(b->loop, &b->w, EPOLLIN, &err) < 0)
		pue_log(LOG_WARNING, "rtu: %s", err.msg);
}

static void
on_readable(struct sim_watch *w, uint32_t events)
{
	struct sim_rtu *b = SIM_CONTAINER_OF(w, struct sim_rtu, w);
	struct pue_err err = {0};
	ssize_t n;
	int64_t id;

	(void)events;
	do
		n = read(w->fd, b->buf + b->len, sizeof(b->buf) - b->len);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		b->len += (size_t)n;
		parse(b);
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	/* EIO while nobody holds the pty's other end: a level-triggered watch
	 * would spin, so look again a little later. */
	pue_log(LOG_DEBUG, "rtu: read: %s", n < 0 ? strerror(errno) : "end of file");
	sim_loop_del(b->loop, w);
	id = sim_loop_add_timer(b->loop, REWATCH_MS, on_rewatch, b, &err);
	b->rewatch_timer = id > 0 ? id : 0;
}

struct sim_rtu *
sim_rtu_new(struct sim_loop *loop, struct sim_responder *responder, const struct sim_rtu_conf *conf,
	    struct pue_err *err)
{
	struct sim_rtu *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		pue_err_set(err, -ENOMEM, "rtu: out of memory");
		return NULL;
	}
	b->w.fd = -1;
	b->loop = loop;
	b->responder = responder;
	b->endpoint = conf->endpoint;
	b->ctx = modbus_new_rtu(conf->path, (int)conf->baud, 'N', 8, 1);
	if (b->ctx == NULL) {
		pue_err_set(err, -errno, "rtu: %s: %s", conf->path, modbus_strerror(errno));
		goto fail;
	}
	if (modbus_connect(b->ctx) < 0) {
		pue_err_set(err, -errno, "rtu: %s: %s", conf->path, modbus_strerror(errno));
		goto fail;
	}
	b->w.fd = modbus_get_socket(b->ctx);
	if (b->w.fd >= FD_SETSIZE) {
		pue_err_set(err, -EMFILE, "rtu: %s: descriptor %d is not below FD_SETSIZE",
			    conf->path, b->w.fd);
		goto fail;
	}
	b->w.fn = on_readable;
	if (sim_loop_add(loop, &b->w, EPOLLIN, err) < 0)
		goto fail;
	pue_log(LOG_INFO, "pue-sim: Modbus RTU on %s at %u baud", conf->path, conf->baud);
	return b;
fail:
	sim_rtu_free(b);
	return NULL;
}

void
sim_rtu_free(struct sim_rtu *b)
{
	if (b == NULL)
		return;
	if (b->partial_timer > 0)
		sim_loop_cancel(b->loop, b->partial_timer);
	if (b->hold_timer > 0)
		sim_loop_cancel(b->loop, b->hold_timer);
	if (b->rewatch_timer > 0)
		sim_loop_cancel(b->loop, b->rewatch_timer);
	if (b->w.fd >= 0)
		sim_loop_del(b->loop, &b->w);
	if (b->ctx != NULL) {
		modbus_close(b->ctx);
		modbus_free(b->ctx);
	}
	free(b);
}
