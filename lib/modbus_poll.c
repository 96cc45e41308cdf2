/* SPDX-License-Identifier: MIT */
/*
 * modbus_poll.c - links, per-device timers and worker jobs; see
 * modbus_poll.h. A poll is one job: it owns its device's link while it
 * runs, so libmodbus contexts are never shared between threads.
 */
#include "modbus_poll.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include <modbus.h>

#include "decode.h"
#include "log.h"
#include "modbus_plan.h"
#include "workq.h"

#define MAX_BACKOFF_MS (60 * 1000)

struct link {
	const struct pue_device_conf *conf; /* the first device that named it */
	modbus_t *ctx;
	bool connected;
	bool busy;	   /* a job of this link is queued or running */
	struct dev **wait; /* devices due while busy, FIFO ring */
	size_t n_wait, head, cap_wait;
	pue_mono_t last_request;
	char where[96]; /* "127.0.0.1:1502" or "/dev/ttyUSB0" */
};

struct dev {
	struct pue_job job; /* first: the job pointer is the device pointer */
	struct pue_modbus *m;
	size_t index;
	const struct pue_device_conf *conf;
	struct link *link;
	struct pue_mb_plan plan;
	struct pue_health health;
	int64_t timer;
	pue_mono_t deadline;
	bool busy;
	/* job results, written by the worker */
	uint16_t *regs;
	int *read_errno;       /* per read: 0 or the errno of its last try */
	pue_wall_t *read_wall; /* per read: when its answer came */
	unsigned requests;
	int64_t latency_ms;
	char error[200];     /* first failure, in words */
	bool connect_failed; /* the last failure was a connect, not a read */
};

struct pue_modbus {
	const struct pue_config *cfg;
	struct pue_loop *loop;
	const struct pue_clock *clock;
	struct pue_poll_sink sink;
	struct pue_workq *workq;
	struct dev **by_device; /* indexed like cfg->devices; NULL for others */
	struct dev *devs;
	size_t n_devs;
	struct link *links;
	size_t n_links;
};

static bool
is_modbus(const struct pue_device_conf *d)
{
	return d->protocol == PUE_PROTO_MODBUS_TCP || d->protocol == PUE_PROTO_MODBUS_RTU;
}

static void
link_name(const struct pue_device_conf *d, char *buf, size_t len)
{
	if (d->protocol == PUE_PROTO_MODBUS_TCP)
		snprintf(buf, len, "%s:%u", d->modbus.host, d->modbus.port);
	else
		snprintf(buf, len, "%s", d->modbus.serial_device);
}

/* Words for a libmodbus errno. Exceptions name their code, as the Modbus
 * Application Protocol v1.1b3 section 7 numbers them. */
static void
describe_errno(int e, char *buf, size_t len)
{
	if (e > MODBUS_ENOBASE && e <= EMBXGTAR)
		snprintf(buf, len, "exception 0x%02X, %s", e - MODBUS_ENOBASE, modbus_strerror(e));
	else if (e == ETIMEDOUT)
		snprintf(buf, len, "no answer (timed out)");
	else
		snprintf(buf, len, "%s", modbus_strerror(e));
}

static bool
is_exception(int e)
{
	return e > MODBUS_ENOBASE && e <= EMBXGTAR;
}

/* Worker side ---------------------------------------------------------- */

static int
link_connect(struct link *l, const struct pue_device_conf *d)
{
	int fd;

	if (l->ctx == NULL) {
		if (d->protocol == PUE_PROTO_MODBUS_TCP) {
			char port[8];

			snprintf(port, sizeof(port), "%u", d->modbus.port);
			l->ctx = modbus_new_tcp_pi(d->modbus.host, port);
		} else
			l->ctx = modbus_new_rtu(d->modbus.serial_device, (int)d->modbus.baud,
						d->modbus.parity, d->modbus.data_bits,
						d->modbus.stop_bits);
		if (l->ctx == NULL)
			return -errno;
	}
	modbus_set_response_timeout(l->ctx, (uint32_t)(d->timeout_ms / 1000),
				    (uint32_t)(d->timeout_ms % 1000) * 1000);
	if (modbus_connect(l->ctx) < 0)
		return -errno;
	fd = modbus_get_socket(l->ctx);
	if (fd >= PUE_MODBUS_FD_LIMIT) {
		/* select() in libmodbus would write past its fd_set. */
		modbus_close(l->ctx);
		return -EMFILE;
	}
	l->connected = true;
	return 0;
}

static void
link_close(struct link *l)
{
	if (l->ctx != NULL && l->connected)
		modbus_close(l->ctx);
	l->connected = false;
}

/* Meters behind RS-485 converters need a pause between requests. */
static void
pace(struct link *l, const struct pue_device_conf *d, const struct pue_clock *clock)
{
	int64_t gap_ns = d->modbus.request_gap_ms * 1000000, since;
	struct timespec ts;

	if (gap_ns <= 0 || l->last_request.ns == 0)
		return;
	since = pue_clock_mono(clock).ns - l->last_request.ns;
	if (since >= gap_ns)
		return;
	ts.tv_sec = (gap_ns - since) / 1000000000;
	ts.tv_nsec = (gap_ns - since) % 1000000000;
	nanosleep(&ts, NULL);
}

static int
read_once(struct dev *d, const struct pue_mb_read *r)
{
	uint16_t *dst = d->regs + r->first_reg;
	int n;

	if (r->function == PUE_MB_INPUT)
		n = modbus_read_input_registers(d->link->ctx, /* addr */ r->address,
						/* nb */ r->count, dst);
	else
		n = modbus_read_registers(d->link->ctx, r->address, r->count, dst);
	if (n == r->count)
		return 0;
	return n < 0 ? errno : EMBBADDATA; /* a read counts only when every register came */
}

static int
read_with_retries(struct dev *d, const struct pue_mb_read *r, const struct pue_clock *clock)
{
	const struct pue_device_conf *c = d->conf;
	struct link *l = d->link;
	unsigned attempt;
	int e = 0, rc;

	for (attempt = 0; attempt <= c->retries; attempt++) {
		d->connect_failed = false;
		if (!l->connected) {
			rc = link_connect(l, c);
			if (rc < 0) {
				e = -rc;
				d->connect_failed = true;
				continue;
			}
		}
		modbus_set_slave(l->ctx, c->modbus.unit_id);
		modbus_set_response_timeout(l->ctx, (uint32_t)(c->timeout_ms / 1000),
					    (uint32_t)(c->timeout_ms % 1000) * 1000);
		pace(l, c, clock);
		e = read_once(d, r);
		l->last_request = pue_clock_mono(clock);
		d->requests++;
		if (e == 0 || is_exception(e))
			return e; /* an exception is an answer: asking again will not help */
		if (e == ETIMEDOUT || e == EMBBADDATA || e == EMBBADCRC || e == EMBBADEXC ||
		    e == EMBBADSLAVE || e == EMBMDATA)
			modbus_flush(l->ctx); /* drop a late or broken answer */
		else
			link_close(l); /* reset, refused, broken pipe: reconnect */
	}
	return e;
}

static void
run_poll(struct pue_job *job)
{
	struct dev *d = (struct dev *)job;
	const struct pue_clock *clock = d->m->clock;
	pue_mono_t t0 = pue_clock_mono(clock);
	char what[120];
	size_t i;

	d->requests = 0;
	d->error[0] = '\0';
	for (i = 0; i < d->plan.n_reads; i++) {
		const struct pue_mb_read *r = &d->plan.reads[i];
		int e = read_with_retries(d, r, clock);

		d->read_errno[i] = e;
		d->read_wall[i] = pue_clock_wall(clock);
		if (e != 0 && d->error[0] == '\0') {
			describe_errno(e, what, sizeof(what));
			if (d->connect_failed)
				snprintf(d->error, sizeof(d->error), "connect %s: %s (%u tries)",
					 d->link->where,
					 e == EMFILE ? "descriptor >= 1024, refused for libmodbus"
						     : modbus_strerror(e),
					 d->conf->retries + 1);
			else
				snprintf(d->error, sizeof(d->error), "read %s %u+%u: %s (%u tries)",
					 r->function == PUE_MB_INPUT ? "input" : "holding",
					 r->address, r->count, what, d->conf->retries + 1);
		}
	}
	d->latency_ms = pue_mono_diff_ms(pue_clock_mono(clock), t0);
}

/* Main-thread side ----------------------------------------------------- */

static void submit(struct dev *d);

static int64_t
effective_interval_ms(const struct dev *d)
{
	int64_t ms = d->conf->poll_interval_ms;
	unsigned f = d->health.consecutive_failures, k;

	if (f < PUE_DOWN_AFTER)
		return ms;
	/* Capped exponential backoff while down: a dead meter costs a worker a
	 * whole timeout per try, which healthy meters on other links need. */
	for (k = f - PUE_DOWN_AFTER + 1; k > 0 && ms < MAX_BACKOFF_MS; k--)
		ms *= 2;
	return ms < MAX_BACKOFF_MS
		       ? ms
		       : (d->conf->poll_interval_ms > MAX_BACKOFF_MS ? d->conf->poll_interval_ms
								     : MAX_BACKOFF_MS);
}

static void poll_due(void *arg);

static void
schedule(struct dev *d)
{
	int64_t step = effective_interval_ms(d) * 1000000;
	pue_mono_t now = pue_clock_mono(d->m->clock);

	d->deadline.ns += step;
	if (d->deadline.ns <= now.ns) {
		/* Overrun: skip the ticks already missed rather than burst. */
		int64_t missed = (now.ns - d->deadline.ns) / step + 1;

		d->health.skipped += (uint64_t)missed;
		d->deadline.ns += missed * step;
	}
	d->timer = pue_loop_add_timer(d->m->loop, d->deadline, poll_due, d);
}

static void
poll_due(void *arg)
{
	struct dev *d = arg;
	struct link *l = d->link;

	d->timer = 0;
	schedule(d);
	if (d->busy) {
		d->health.skipped++;
		return;
	}
	d->busy = true;
	if (l->busy) {
		l->wait[(l->head + l->n_wait++) % l->cap_wait] = d;
		return;
	}
	submit(d);
}

static void
submit(struct dev *d)
{
	d->link->busy = true;
	if (pue_workq_submit(d->m->workq, &d->job) < 0) {
		/* Cannot happen: the queue holds one job per link. */
		d->link->busy = false;
		d->busy = false;
		d->health.skipped++;
	}
}

static void
deliver(struct dev *d)
{
	struct pue_modbus *m = d->m;
	size_t i, ok_reads = 0, n = d->plan.n_reads;
	char bad[200] = "";
	bool partial;

	for (i = 0; i < n; i++)
		ok_reads += d->read_errno[i] == 0;
	for (i = 0; i < d->conf->n_points; i++) {
		const struct pue_point_conf *p = &d->conf->points[i];
		size_t ri = d->plan.point_read[i];
		struct pue_reading r = {.wall = d->read_wall[ri]};
		struct pue_err err;

		if (d->read_errno[ri] != 0)
			continue;
		if (pue_decode_raw(d->regs + d->plan.point_reg[i], pue_dtype_registers(p->type),
				   p->type, p->word_order, &r.raw, &err) < 0 ||
		    pue_decode_scale(p, &r.raw, &r.value, &err) < 0) {
			if (bad[0] == '\0')
				snprintf(bad, sizeof(bad), "point %s: invalid sample: %.150s",
					 p->name, err.msg);
			continue;
		}
		m->sink.reading(m->sink.arg, d->index, i, &r);
	}
	partial = ok_reads < n || bad[0] != '\0';
	if (ok_reads == 0)
		pue_health_failure(&d->health, d->conf->name, pue_clock_wall(m->clock),
				   pue_clock_mono(m->clock), d->requests, d->error);
	else
		pue_health_success(&d->health, d->conf->name, pue_clock_wall(m->clock),
				   d->latency_ms, d->requests, partial,
				   d->error[0] ? d->error : bad);
	if (m->sink.polled != NULL)
		m->sink.polled(m->sink.arg, d->index);
}

static void
on_done(void *arg, int fd, uint32_t events)
{
	struct pue_modbus *m = arg;
	struct pue_job *job;

	(void)fd;
	(void)events;
	while ((job = pue_workq_take_done(m->workq)) != NULL) {
		struct dev *d = (struct dev *)job;
		struct link *l = d->link;

		d->busy = false;
		l->busy = false;
		deliver(d);
		if (l->n_wait > 0) {
			struct dev *next = l->wait[l->head];

			l->head = (l->head + 1) % l->cap_wait;
			l->n_wait--;
			submit(next);
		}
	}
}

static struct link *
find_link(struct pue_modbus *m, const struct pue_device_conf *c)
{
	char where[96];
	size_t i;

	link_name(c, where, sizeof(where));
	for (i = 0; i < m->n_links; i++)
		if (strcmp(m->links[i].where, where) == 0)
			return &m->links[i];
	m->links[m->n_links].conf = c;
	snprintf(m->links[m->n_links].where, sizeof(m->links[0].where), "%s", where);
	return &m->links[m->n_links++];
}

static int
setup_dev(struct pue_modbus *m, struct dev *d, size_t index, struct pue_err *err)
{
	const struct pue_device_conf *c = &m->cfg->devices[index];
	int rc;

	d->m = m;
	d->index = index;
	d->conf = c;
	d->job.run = run_poll;
	d->link = find_link(m, c);
	d->link->cap_wait++;
	if ((rc = pue_modbus_plan(c, &d->plan, err)) < 0)
		return rc;
	d->regs = calloc(d->plan.n_regs ? d->plan.n_regs : 1, sizeof(*d->regs));
	d->read_errno = calloc(d->plan.n_reads ? d->plan.n_reads : 1, sizeof(int));
	d->read_wall = calloc(d->plan.n_reads ? d->plan.n_reads : 1, sizeof(pue_wall_t));
	if (d->regs == NULL || d->read_errno == NULL || d->read_wall == NULL)
		return pue_err_set(err, -ENOMEM, "modbus: out of memory");
	m->by_device[index] = d;
	return 0;
}

struct pue_modbus *
pue_modbus_new(const struct pue_config *cfg, struct pue_loop *loop, const struct pue_clock *clock,
	       const struct pue_poll_sink *sink, struct pue_err *err)
{
	struct pue_modbus *m = calloc(1, sizeof(*m));
	size_t i, n = 0, k;
	pue_mono_t now;
	int rc;

	if (m == NULL)
		goto nomem;
	m->cfg = cfg;
	m->loop = loop;
	m->clock = clock;
	m->sink = *sink;
	for (i = 0; i < cfg->n_devices; i++)
		n += is_modbus(&cfg->devices[i]);
	m->by_device = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(*m->by_device));
	m->devs = calloc(n ? n : 1, sizeof(*m->devs));
	m->links = calloc(n ? n : 1, sizeof(*m->links));
	if (m->by_device == NULL || m->devs == NULL || m->links == NULL)
		goto nomem;
	for (i = 0; i < cfg->n_devices; i++) {
		if (!is_modbus(&cfg->devices[i]))
			continue;
		if (setup_dev(m, &m->devs[m->n_devs++], i, err) < 0)
			goto fail;
	}
	for (i = 0; i < m->n_links; i++) {
		m->links[i].wait = calloc(m->links[i].cap_wait, sizeof(struct dev *));
		if (m->links[i].wait == NULL)
			goto nomem;
	}
	if (m->n_devs == 0)
		return m;
	m->workq = pue_workq_new(cfg->workers, m->n_links, err);
	if (m->workq == NULL)
		goto fail;
	if ((rc = pue_loop_add_fd(loop, pue_workq_fd(m->workq), EPOLLIN, on_done, m)) < 0) {
		pue_err_set(err, rc, "modbus: watching workers: %s", strerror(-rc));
		goto fail;
	}
	/* Spread first polls over each device's interval, so hundreds of
	 * meters on one interval do not all fire in the same instant. */
	now = pue_clock_mono(clock);
	for (k = 0; k < m->n_devs; k++) {
		struct dev *d = &m->devs[k];

		d->deadline.ns = now.ns + d->conf->poll_interval_ms * 1000000 * (int64_t)k /
						  (int64_t)m->n_devs;
		d->timer = pue_loop_add_timer(loop, d->deadline, poll_due, d);
	}
	return m;
nomem:
	pue_err_set(err, -ENOMEM, "modbus: out of memory");
fail:
	pue_modbus_free(m);
	return NULL;
}

void
pue_modbus_free(struct pue_modbus *m)
{
	size_t i;

	if (m == NULL)
		return;
	if (m->workq != NULL) {
		pue_loop_del_fd(m->loop, pue_workq_fd(m->workq));
		pue_workq_free(m->workq); /* joins: no worker touches a link after this */
	}
	for (i = 0; i < m->n_devs; i++) {
		struct dev *d = &m->devs[i];

		if (d->timer > 0)
			pue_loop_cancel(m->loop, d->timer);
		pue_modbus_plan_free(&d->plan);
		free(d->regs);
		free(d->read_errno);
		free(d->read_wall);
	}
	for (i = 0; i < m->n_links; i++) {
		link_close(&m->links[i]);
		if (m->links[i].ctx != NULL)
			modbus_free(m->links[i].ctx);
		free(m->links[i].wait);
	}
	free(m->links);
	free(m->devs);
	free(m->by_device);
	free(m);
}

const struct pue_health *
pue_modbus_health(const struct pue_modbus *m, size_t device)
{
	if (m == NULL || device >= m->cfg->n_devices || m->by_device[device] == NULL)
		return NULL;
	return &m->by_device[device]->health;
}

size_t
pue_modbus_reads_per_poll(const struct pue_modbus *m, size_t device)
{
	if (m == NULL || device >= m->cfg->n_devices || m->by_device[device] == NULL)
		return 0;
	return m->by_device[device]->plan.n_reads;
}
