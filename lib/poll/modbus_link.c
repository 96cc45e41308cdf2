/* SPDX-License-Identifier: MIT */
/* modbus_link.c - one Modbus connection, its reads and retries; see modbus_link.h. */
#include "poll/modbus_link.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/fd_policy.h"
#include "poll/mbap.h"
#include "poll/rtu_line.h"

/* Exception words, as the Modbus Application Protocol v1.1b3 section 7
 * names the codes. */
static const char *const exception_words[] = {
	[1] = "illegal function",
	[2] = "illegal data address",
	[3] = "illegal data value",
	[4] = "server device failure",
	[5] = "acknowledge (still processing)",
	[6] = "server device busy",
	[7] = "negative acknowledge",
	[8] = "memory parity error",
	[10] = "gateway path unavailable",
	[11] = "gateway target device failed to respond",
};

static bool
is_exception(int e)
{
	return e > MODBUS_ENOBASE && e <= EMBXGTAR;
}

void
pue_modbus_link_describe_errno(int e, char *buf, size_t len)
{
	unsigned code;

	if (is_exception(e)) {
		code = (unsigned)(e - MODBUS_ENOBASE);
		snprintf(buf, len, "exception 0x%02X, %s", code,
			 code < sizeof(exception_words) / sizeof(exception_words[0]) &&
					 exception_words[code] != NULL
				 ? exception_words[code]
				 : modbus_strerror(e));
	} else if (e == ETIMEDOUT)
		snprintf(buf, len, "no answer (timed out)");
	else if (e == EMBBADDATA)
		snprintf(buf, len, "invalid answer (wrong length, function or transaction id)");
	else if (e == EMBBADCRC)
		snprintf(buf, len, "invalid answer (CRC error)");
	else if (e == EMBBADSLAVE)
		snprintf(buf, len, "answer from another unit id");
	else if (e == EMBMDATA)
		snprintf(buf, len, "answer longer than a Modbus frame");
	else if (e == EMBBADEXC)
		snprintf(buf, len, "invalid exception answer");
	else if (e == ENXIO)
		snprintf(buf, len, "host name does not resolve");
	else if (e == EMFILE)
		snprintf(buf, len, "descriptor >= 1024, refused for libmodbus");
	else
		snprintf(buf, len, "%s", modbus_strerror(e));
}

bool
pue_modbus_link_is_protocol_error(int e)
{
	return e == EMBBADDATA || e == EMBBADCRC || e == EMBBADEXC || e == EMBBADSLAVE ||
	       e == EMBMDATA;
}

bool
pue_modbus_link_error_ends_poll(int e)
{
	return !(e == 0 || is_exception(e) || pue_modbus_link_is_protocol_error(e));
}

void
pue_modbus_link_name(const struct pue_device_conf *d, char *where, size_t len)
{
	if (d->protocol == PUE_PROTO_MODBUS_TCP)
		snprintf(where, len, "%s:%u", d->modbus.host, d->modbus.port);
	else
		snprintf(where, len, "%s", d->modbus.serial_device);
}

int
pue_modbus_link_init(struct pue_modbus_link *l, const struct pue_device_conf *d, int devnull,
		     struct pue_err *err)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->conf = d;
	l->devnull = devnull;
	pue_modbus_link_name(d, l->where, sizeof(l->where));
	if (d->protocol == PUE_PROTO_MODBUS_TCP)
		/* Only for its TCP framing: pued connects the socket itself
		 * (connect_tcp()), so the context is told no host. The _pi
		 * kind (host names, IPv6) keeps a 1025-byte host buffer per
		 * context for a connect pued never asks of it; its framing
		 * is the same (issue 18). */
		l->ctx = modbus_new_tcp(/* ip */ NULL, /* port */ (int)d->modbus.port);
	else
		l->ctx = modbus_new_rtu(d->modbus.serial_device, (int)d->modbus.baud,
					d->modbus.parity, d->modbus.data_bits, d->modbus.stop_bits);
	if (l->ctx == NULL)
		return pue_err_set(err, -errno, "modbus %s: %s", l->where, modbus_strerror(errno));
	l->fd = fcntl(devnull, F_DUPFD_CLOEXEC, 0); /* the lowest free descriptor */
	if (l->fd < 0)
		return pue_err_set(err, -errno, "modbus %s: reserving a descriptor: %s", l->where,
				   strerror(errno));
	if (l->fd >= PUE_MODBUS_FD_LIMIT)
		return pue_err_set(err, -EMFILE,
				   "modbus %s: no descriptor below %d is free (got %d); libmodbus "
				   "waits with select() and cannot use it",
				   l->where, PUE_MODBUS_FD_LIMIT, l->fd);
	return 0;
}

/* Puts the placeholder back on the link's number: closes the socket or
 * tty there, and keeps the number reserved. */
static void
park(struct pue_modbus_link *l)
{
	while (dup3(l->devnull, l->fd, O_CLOEXEC) < 0 && (errno == EINTR || errno == EBUSY))
		;
}

static void
link_close(struct pue_modbus_link *l)
{
	if (l->connected) {
		park(l);
		modbus_set_socket(l->ctx, -1);
	}
	l->connected = false;
	l->stale = false;
}

void
pue_modbus_link_fini(struct pue_modbus_link *l)
{
	if (l->ctx != NULL) {
		/* Never modbus_close(): it would close the number we own. */
		modbus_set_socket(l->ctx, -1);
		modbus_free(l->ctx);
		l->ctx = NULL;
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->connected = false;
}

/* Connects the reserved descriptor to one address, waiting at most
 * timeout_ms. Returns 0 or an errno. */
static int
connect_one(struct pue_modbus_link *l, const struct addrinfo *ai, int64_t timeout_ms)
{
	struct pollfd p = {.fd = l->fd, .events = POLLOUT};
	int s, e, one = 1, rc;
	socklen_t len = sizeof(e);

	s = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (s < 0)
		return errno;
	rc = s == l->fd ? 0 : dup3(s, l->fd, O_CLOEXEC); /* never libmodbus's: ours */
	e = errno;
	if (s != l->fd)
		close(s);
	if (rc < 0) {
		park(l);
		return e;
	}
	/* As libmodbus sets it: requests are small and must leave at once. */
	(void)setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(l->fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		e = errno;
		park(l);
		return e;
	}
	do
		rc = poll(&p, 1, (int)timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		e = ETIMEDOUT;
	else if (rc < 0 || getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e != 0)
		park(l);
	return e;
}

static int
connect_tcp(struct pue_modbus_link *l, const struct pue_device_conf *d)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res = NULL, *ai;
	char port[8];
	int e = ECONNREFUSED, rc;

	snprintf(port, sizeof(port), "%u", d->modbus.port);
	rc = getaddrinfo(d->modbus.host, port, &hints, &res);
	if (rc != 0)
		return rc == EAI_SYSTEM ? errno : ENXIO;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if ((e = connect_one(l, ai, d->timeout_ms)) == 0)
			break;
	freeaddrinfo(res);
	if (e == 0)
		modbus_set_socket(l->ctx, l->fd);
	return e;
}

static int
connect_rtu(struct pue_modbus_link *l)
{
	int fd, e;

	if (modbus_connect(l->ctx) < 0) /* open() and termios: no select() */
		return errno;
	fd = modbus_get_socket(l->ctx);
	if (fd != l->fd) {
		if (dup3(fd, l->fd, O_CLOEXEC) < 0) {
			e = errno;
			close(fd);
			modbus_set_socket(l->ctx, -1);
			park(l);
			return e;
		}
		close(fd);
		modbus_set_socket(l->ctx, l->fd);
	}
	return 0;
}

static int
link_connect(struct pue_modbus_link *l, const struct pue_device_conf *d)
{
	int e = d->protocol == PUE_PROTO_MODBUS_TCP ? connect_tcp(l, d) : connect_rtu(l);

	if (e != 0)
		return e;
	l->connected = true;
	l->stale = false;
	return 0;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Meters behind RS-485 converters need a pause between requests. */
static void
pace(struct pue_modbus_link *l, const struct pue_device_conf *d, const struct pue_clock *clock)
{
	int64_t gap_ns = d->modbus.request_gap_ms * 1000000, since;

	if (gap_ns <= 0 || l->last_request.ns == 0)
		return;
	since = pue_clock_mono(clock).ns - l->last_request.ns;
	if (since < gap_ns)
		sleep_ms((gap_ns - since + 999999) / 1000000);
}

/* Writes the whole request to the connection, waiting at most timeout_ms
 * for room. Returns 0 or an errno. */
static int
send_request(int fd, const uint8_t *buf, size_t len, int64_t timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	ssize_t n;
	int rc;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			do
				rc = poll(&p, 1, (int)timeout_ms);
			while (rc < 0 && errno == EINTR);
			if (rc == 0)
				return ETIMEDOUT;
			if (rc < 0)
				return errno;
		} else
			return n < 0 ? errno : EPIPE;
	}
	return 0;
}

/* One TCP read, written by pued with the connection's next transaction id
 * so that the whole answer comes back to be checked against it (mbap.h);
 * libmodbus still frames the answer. */
static int
read_tcp(struct pue_modbus_link *l, const struct pue_device_conf *d, const struct pue_mb_read *r,
	 uint16_t *dst, struct pue_modbus_link_result *res)
{
	struct pue_mbap_read q = {
		.tid = ++l->tid,
		.unit = d->modbus.unit_id,
		.function = r->function == PUE_MB_INPUT ? MODBUS_FC_READ_INPUT_REGISTERS
							: MODBUS_FC_READ_HOLDING_REGISTERS,
		.address = r->address,
		.count = r->count,
	};
	uint8_t req[PUE_MBAP_READ_BYTES], adu[MODBUS_TCP_MAX_ADU_LENGTH];
	int n, e;

	pue_mbap_request(&q, req);
	if ((e = send_request(l->fd, req, sizeof(req), d->timeout_ms)) != 0)
		return e;
	if ((n = modbus_receive_confirmation(l->ctx, adu)) < 0)
		return errno;
	return pue_mbap_check(adu, (size_t)n, &q, dst, res->why, sizeof(res->why));
}

static int
read_once(struct pue_modbus_link *l, const struct pue_mb_read *r, uint16_t *dst)
{
	int n;

	if (r->function == PUE_MB_INPUT)
		n = modbus_read_input_registers(l->ctx, /* addr */ r->address,
						/* nb */ r->count, dst);
	else
		n = modbus_read_registers(l->ctx, /* addr */ r->address, /* nb */ r->count, dst);
	if (n == r->count)
		return 0;
	return n < 0 ? errno : EMBBADDATA; /* a read counts only when every register came */
}

/* After a failure on a serial line: drains it until it has been silent
 * for a response timeout (rtu_line.h), so that no late answer is left for
 * the next request. A line that will not go quiet is settled again before
 * the next request; one that is gone is closed. Returns 0 or the errno
 * of pue_rtu_line_settle(). */
static int
settle(struct pue_modbus_link *l, const struct pue_device_conf *d)
{
	int e = pue_rtu_line_settle(l->fd, d->timeout_ms, l->stop);

	l->stale = e != 0;
	if (e != 0 && e != EBUSY && e != ECANCELED)
		link_close(l);
	return e;
}

/* One RTU read: libmodbus checks the unit, function, byte count and CRC;
 * the answer must then be alone on the line (rtu_line.h). */
static int
read_rtu(struct pue_modbus_link *l, const struct pue_device_conf *d, const struct pue_mb_read *r,
	 uint16_t *dst, struct pue_modbus_link_result *res)
{
	int e = read_once(l, r, dst);

	if ((e == 0 || is_exception(e)) && pue_rtu_line_speaks(l->fd, pue_rtu_line_alone_ms(d))) {
		snprintf(res->why, sizeof(res->why),
			 "invalid answer (another frame followed the answer: a repeated or late "
			 "one)");
		return EMBBADDATA;
	}
	return e;
}

int
pue_modbus_link_read(struct pue_modbus_link *l, const struct pue_device_conf *d,
		     const struct pue_mb_read *r, uint16_t *dst, unsigned tries,
		     const struct pue_clock *clock, struct pue_modbus_link_result *res)
{
	bool rtu = d->protocol == PUE_PROTO_MODBUS_RTU;
	unsigned attempt;
	int e = 0;

	for (attempt = 0; attempt < tries; attempt++) {
		if (l->stop != NULL && atomic_load(l->stop))
			return ECANCELED;
		res->connect_failed = false;
		res->why[0] = '\0';
		if (!l->connected && (e = link_connect(l, d)) != 0) {
			res->connect_failed = true;
			continue;
		}
		/* bytes nobody asked for, or a line that did not go quiet
		 * after the last failure */
		if (rtu && (l->stale || pue_rtu_line_speaks(l->fd, 0)) && (e = settle(l, d)) != 0) {
			if (e == EBUSY)
				snprintf(res->why, sizeof(res->why),
					 "the line never went quiet (bytes kept coming)");
			continue;
		}
		modbus_set_slave(l->ctx, d->modbus.unit_id);
		modbus_set_response_timeout(l->ctx, (uint32_t)(d->timeout_ms / 1000),
					    (uint32_t)(d->timeout_ms % 1000) * 1000);
		if (!rtu)
			pace(l, d, clock); /* on a serial line, read_rtu() watched the gap */
		e = rtu ? read_rtu(l, d, r, dst, res) : read_tcp(l, d, r, dst, res);
		l->last_request = pue_clock_mono(clock);
		res->requests++;
		if (e == 0 || is_exception(e))
			return e; /* an exception is an answer: asking again will not help */
		if (pue_modbus_link_is_protocol_error(e))
			res->protocol_errors++;
		if (!rtu && (e == ETIMEDOUT || pue_modbus_link_is_protocol_error(e))) {
			/* A late answer, the rest of one libmodbus could not
			 * frame, or the answer that belongs to ours after another
			 * unit's: the next request's transaction id tells them
			 * apart, but each would cost that request too. A new
			 * connection carries none of them. */
			link_close(l);
		} else if (e == ETIMEDOUT || pue_modbus_link_is_protocol_error(e)) {
			/* The answer may still come, or the frame taken was not
			 * ours and ours is on its way, and an RTU answer has no
			 * transaction id: let the line go quiet before asking
			 * anything else. */
			settle(l, d);
		} else
			link_close(l); /* reset, refused, broken pipe, tty gone: reconnect */
	}
	return e;
}
