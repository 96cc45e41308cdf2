/* SPDX-License-Identifier: MIT */
/*
 * modbus_poll.c - per-device polls, connection queues, worker jobs and
 * turning registers into readings; see modbus_poll.h. A job belongs to one
 * connection (struct link below: a serial bus, or one of the connections:
 * of a TCP host:port): it polls, one after the other, every device of that
 * connection that is due, and owns the connection while it runs, so
 * libmodbus contexts are never shared between threads. The connection
 * itself is modbus_link.c's.
 *
 * Why a job per link and not per device: the devices behind one gateway
 * are polled one at a time anyway, and each job costs a worker wake-up and
 * a main-loop wake-up, more than the request itself on a fast network
 * (bench/modbus, 1000 meters, 8 unit ids per gateway: batching them halved
 * pued's CPU per poll, 0.094 to 0.048 CPU-s per 1000 polls). So the devices of a link start on the
 * same phase (links, not devices, are spread over the interval), and when one comes due on an idle
 * link, every other device of that link whose deadline has come joins the same job. Such a device
 * is marked "pulled"; its own timer, firing right after, only schedules its next deadline.
 */
#include "poll/modbus_poll.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/decode.h"
#include "util/errtext.h"
#include "util/log.h"
#include "poll/modbus_link.h"
#include "poll/modbus_plan.h"
#include "poll/modbus_spread.h"
#include "poll/poll_schedule.h"
#include "util/strmap.h"
#include "util/workq.h"

/* One connection: a serial bus, or one of the connections of a TCP link
 * (host:port), with the unit ids the poller gave it. */
struct link {
	struct pue_job job; /* first: the job pointer is the link pointer */
	struct pue_modbus *m;
	unsigned conn;		   /* which of its host:port's connections, from 0 */
	struct pue_modbus_link mb; /* used by the worker running this link's job */
	bool busy;		   /* a job of this link is queued or running */
	struct dev **devs;	   /* every device on the link; batch and wait share its block */
	size_t n_devs;
	struct dev **batch; /* the devices the job polls, in order */
	size_t n_batch;
	struct dev **wait; /* devices due while busy, FIFO ring */
	size_t n_wait, head, cap_wait;
};

struct dev {
	struct pue_modbus *m;
	size_t index;
	const struct pue_device_conf *conf;
	struct link *link;
	struct pue_mb_plan plan;
	struct pue_health health;
	struct pue_poll_schedule sched;
	bool busy;	/* in a link's batch or waiting for one */
	bool pulled;	/* polled with its link's batch before its timer fired */
	unsigned tries; /* for the job: 1 + retries, or 1 while down */
	/* job results, written by the worker; one allocation, at read_wall */
	pue_wall_t *read_wall; /* per read: when its answer came */
	int *read_errno;       /* per read: 0 or the errno of its last try */
	uint16_t *regs;
	unsigned requests;
	unsigned protocol_errors; /* answers rejected (modbus_link.h) */
	int64_t latency_ms;
	/* The poll's first failure, in words: none until one fails, and
	 * none again once deliver() handed it to the health (issue 18). */
	struct pue_errtext error;
	/* The invalid-sample reason last logged, as its hash (log_invalid):
	 * 0 when none. It only tells a change, and 8 bytes a device hold
	 * that as well as the 200 of the text did (issue 18). */
	uint64_t bad_logged;
};

struct pue_modbus {
	struct pue_poller poller; /* first: the service's handle (poller.h) */
	struct pue_workq *workq;
	int devnull;		/* source of the links' placeholders */
	struct dev **by_device; /* indexed like cfg->devices; NULL for others */
	struct dev *devs;
	size_t n_devs;
	struct link *links; /* every connection */
	size_t n_links;
	atomic_bool stopping; /* poller_free() has begun: workers wind up */
	bool probing_loop;    /* the loop's busy probe is registered */
};

static bool
is_modbus(const struct pue_device_conf *d)
{
	return d->protocol == PUE_PROTO_MODBUS_TCP || d->protocol == PUE_PROTO_MODBUS_RTU;
}

/* Worker side ---------------------------------------------------------- */

static void
poll_device(struct dev *d)
{
	const struct pue_clock *clock = d->m->poller.clock;
	pue_mono_t t0 = pue_clock_mono(clock);
	struct pue_modbus_link_result res = {0};
	char what[120];
	int gone = 0; /* the device stopped answering: skip its other reads */
	size_t i;

	pue_errtext_clear(&d->error);
	for (i = 0; i < d->plan.n_reads; i++) {
		const struct pue_mb_read *r = &d->plan.reads[i];
		int e = gone;

		if (e == 0)
			e = pue_modbus_link_read(&d->link->mb, d->conf, r, d->regs + r->first_reg,
						 d->tries, clock, &res);
		d->read_errno[i] = e;
		d->read_wall[i] = pue_clock_wall(clock);
		if (e == 0 || gone != 0)
			continue;
		if (pue_modbus_link_error_ends_poll(e))
			gone = e;
		if (pue_errtext_is_set(&d->error))
			continue;
		if (res.why[0] != '\0') /* the answer's own header says how it is wrong */
			snprintf(what, sizeof(what), "%s", res.why);
		else
			pue_modbus_link_describe_errno(e, what, sizeof(what));
		if (res.connect_failed)
			pue_errtext_setf(&d->error, "connect %.80s: %.90s (%u %s)",
					 d->link->mb.where, what, d->tries,
					 d->tries == 1 ? "try" : "tries");
		else
			pue_errtext_setf(&d->error, "read %s %u+%u: %.120s (%u %s)",
					 r->function == PUE_MB_INPUT ? "input" : "holding",
					 r->address, r->count, what, d->tries,
					 d->tries == 1 ? "try" : "tries");
	}
	d->requests = res.requests;
	d->protocol_errors = res.protocol_errors;
	d->latency_ms = pue_mono_diff_ms(pue_clock_mono(clock), t0);
}

static void
run_link(struct pue_job *job)
{
	struct link *l = (struct link *)job;
	size_t i;

	for (i = 0; i < l->n_batch && !atomic_load(&l->m->stopping); i++)
		poll_device(l->batch[i]);
}

/* Main-thread side ----------------------------------------------------- */

static void start_batch(struct link *l, struct dev *first);

static void
poll_due(void *arg)
{
	struct dev *d = arg;
	struct link *l = d->link;

	if (d->pulled) { /* its link's batch took it already */
		d->pulled = false;
		return;
	}
	if (d->busy) {
		d->health.skipped++;
		return;
	}
	d->busy = true;
	if (l->busy) {
		l->wait[(l->head + l->n_wait++) % l->cap_wait] = d;
		return;
	}
	start_batch(l, d);
}

static void
add_to_batch(struct link *l, struct dev *d)
{
	/* A device that is down is only probed: one try, not 1 + retries. */
	d->tries = d->health.state == PUE_DEV_DOWN ? 1 : d->conf->retries + 1;
	l->batch[l->n_batch++] = d;
}

/* Starts a job on the idle link l for first (already marked busy), the
 * devices waiting for the link, and every other device of l whose deadline
 * has come. */
static void
start_batch(struct link *l, struct dev *first)
{
	pue_mono_t now = pue_clock_mono(l->m->poller.clock);
	size_t i;

	l->n_batch = 0;
	if (first != NULL)
		add_to_batch(l, first);
	while (l->n_wait > 0) {
		add_to_batch(l, l->wait[l->head]);
		l->head = (l->head + 1) % l->cap_wait;
		l->n_wait--;
	}
	for (i = 0; i < l->n_devs; i++) {
		struct dev *o = l->devs[i];

		if (!o->busy && !o->pulled && pue_poll_schedule_is_due(&o->sched, now)) {
			o->busy = true;
			o->pulled = true;
			add_to_batch(l, o);
		}
	}
	if (l->n_batch == 0)
		return;
	l->busy = true;
	if (pue_workq_submit(l->m->workq, &l->job) < 0) {
		/* Cannot happen: the queue holds one job per link. */
		l->busy = false;
		for (i = 0; i < l->n_batch; i++) {
			l->batch[i]->busy = false;
			l->batch[i]->health.skipped++;
		}
		l->n_batch = 0;
	}
}

/* Decodes point i of d from the registers the poll read. Returns 0 and r,
 * 1 when a read it needs failed (the poll's error says why), or a
 * negative code with err set when the registers hold no valid sample. */
static int
decode_point(const struct dev *d, size_t i, struct pue_reading *r, struct pue_err *err)
{
	size_t ri = d->plan.point_read[i], sfi = d->plan.point_sf_read[i];

	if (d->read_errno[ri] != 0 || (sfi != PUE_MB_NO_SF && d->read_errno[sfi] != 0))
		return 1;
	r->wall = d->read_wall[ri];
	return pue_modbus_plan_decode(d->conf, &d->plan, d->regs, i, &r->raw, &r->value, err);
}

/* Logs an invalid sample when its reason changes, and the return to valid
 * samples: never a line per poll. */
static void
log_invalid(struct dev *d, const char *bad)
{
	/* Odd for every reason, so no reason hashes to "none"; two reasons
	 * that share the other 63 bits would miss one line. */
	uint64_t h = bad[0] == '\0' ? 0 : pue_strmap_hash(bad) | 1;

	if (h == d->bad_logged)
		return;
	if (bad[0] != '\0')
		pue_log(LOG_WARNING, "device %s: %s", d->conf->name, bad);
	else
		pue_log(LOG_NOTICE, "device %s: samples valid again", d->conf->name);
	d->bad_logged = h;
}

static void
deliver(struct dev *d)
{
	struct pue_modbus *m = d->m;
	size_t i, ok_reads = 0, n = d->plan.n_reads;
	char bad[200] = "", rejected[200] = "";
	bool partial;

	for (i = 0; i < n; i++)
		ok_reads += d->read_errno[i] == 0;
	d->health.protocol_errors += d->protocol_errors;
	for (i = 0; i < d->conf->n_points; i++) {
		struct pue_reading r = {0};
		struct pue_err err = {0};
		int rc = decode_point(d, i, &r, &err);

		if (rc == 0 &&
		    m->poller.sink.reading(m->poller.sink.arg, d->index, i, &r, &err) < 0 &&
		    rejected[0] == '\0')
			snprintf(rejected, sizeof(rejected), "%.190s", err.msg); /* logged there */
		else if (rc < 0 && bad[0] == '\0')
			snprintf(bad, sizeof(bad), "point %s: invalid sample: %.150s",
				 d->conf->points[i].name, err.msg);
	}
	if (ok_reads > 0)
		log_invalid(d, bad);
	partial = ok_reads < n || bad[0] != '\0' || rejected[0] != '\0';
	if (bad[0] == '\0')
		snprintf(bad, sizeof(bad), "%s", rejected);
	if (ok_reads == 0)
		pue_health_failure(&d->health, d->conf->name, pue_clock_wall(m->poller.clock),
				   pue_clock_mono(m->poller.clock), d->requests,
				   pue_errtext_get(&d->error));
	else
		pue_health_success(&d->health, d->conf->name, pue_clock_wall(m->poller.clock),
				   d->latency_ms, d->requests, partial,
				   pue_errtext_is_set(&d->error) ? pue_errtext_get(&d->error)
								 : bad);
	/* The health has its own copy; the worker writes this one again
	 * only in the next job, after the queue hands it over. */
	pue_errtext_clear(&d->error);
	pue_poll_schedule_resume(&d->sched);
	if (m->poller.sink.polled != NULL)
		m->poller.sink.polled(m->poller.sink.arg, d->index);
}

static void
on_done(void *arg, int fd, uint32_t events)
{
	struct pue_modbus *m = arg;
	struct pue_job *job;

	(void)fd;
	(void)events;
	while ((job = pue_workq_take_done(m->workq)) != NULL) {
		struct link *l = (struct link *)job;
		size_t i;

		for (i = 0; i < l->n_batch; i++) {
			l->batch[i]->busy = false;
			deliver(l->batch[i]);
		}
		l->n_batch = 0;
		l->busy = false;
		if (l->n_wait > 0)
			start_batch(l, NULL);
	}
}

/* The loop's busy probe (loop.h): a link's job is out with a worker. */
static bool
any_job_out(void *arg)
{
	const struct pue_modbus *m = arg;
	size_t i;

	for (i = 0; i < m->n_links; i++)
		if (m->links[i].busy)
			return true;
	return false;
}

static struct link *
find_link(struct pue_modbus *m, const struct pue_device_conf *c, const char *where, unsigned conn)
{
	size_t i;

	for (i = 0; i < m->n_links; i++)
		if (m->links[i].conn == conn && strcmp(m->links[i].mb.where, where) == 0)
			return &m->links[i];
	m->links[m->n_links].m = m;
	m->links[m->n_links].conn = conn;
	m->links[m->n_links].job.run = run_link;
	m->links[m->n_links].mb.conf = c; /* pue_modbus_link_init() comes once all are known */
	snprintf(m->links[m->n_links].mb.where, sizeof(m->links[0].mb.where), "%s", where);
	return &m->links[m->n_links++];
}

static int
setup_dev(struct pue_modbus *m, struct dev *d, size_t index, struct pue_modbus_spread **spreads,
	  struct pue_err *err)
{
	const struct pue_device_conf *c = &m->poller.cfg->devices[index];
	char where[96];
	size_t reads;
	unsigned conn;
	int rc;

	d->m = m;
	d->index = index;
	d->conf = c;
	pue_modbus_link_name(c, where, sizeof(where));
	if (pue_modbus_spread_pick(spreads, c, where, &conn) < 0)
		return pue_err_set(err, -ENOMEM, "modbus: out of memory");
	d->link = find_link(m, c, where, conn);
	d->link->cap_wait++; /* one slot per device in wait, batch and devs */
	pue_poll_schedule_init(&d->sched, &d->health, c->name, c->poll_interval_ms, poll_due, d);
	if ((rc = pue_modbus_plan(c, &d->plan, err)) < 0)
		return rc;
	/* The job's results in one block (issue 18), each part aligned for the next. */
	reads = d->plan.n_reads ? d->plan.n_reads : 1;
	d->read_wall = calloc(1, reads * (sizeof(pue_wall_t) + sizeof(int)) +
					 (d->plan.n_regs + 1) * sizeof(uint16_t));
	if (d->read_wall == NULL)
		return pue_err_set(err, -ENOMEM, "modbus: out of memory");
	d->read_errno = (int *)(void *)(d->read_wall + reads);
	d->regs = (uint16_t *)(void *)(d->read_errno + reads);
	m->by_device[index] = d;
	return 0;
}

/* links was sized for one per device, the most there can be; keeps only
 * the connections made (at 4000 meters behind gateways, some 700 of 4000
 * entries), before anything points into them but the devices. */
static int
shrink_links(struct pue_modbus *m)
{
	struct link *links;
	size_t k;

	if (m->n_links == 0)
		return 0;
	if ((links = calloc(m->n_links, sizeof(*links))) == NULL)
		return -ENOMEM;
	memcpy(links, m->links, m->n_links * sizeof(*links));
	for (k = 0; k < m->n_devs; k++)
		m->devs[k].link = links + (m->devs[k].link - m->links);
	free(m->links);
	m->links = links;
	return 0;
}

/* Opens the placeholder source, above the low descriptors when the limit
 * allows (it is never handed to libmodbus), then reserves one low
 * descriptor per link before anything else can take them. */
static int
reserve_descriptors(struct pue_modbus *m, struct pue_err *err)
{
	size_t i;
	int fd, high, rc;

	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return pue_err_set(err, -errno, "modbus: /dev/null: %s", strerror(errno));
	high = fcntl(fd, F_DUPFD_CLOEXEC, PUE_MODBUS_FD_LIMIT);
	if (high >= 0) {
		close(fd);
		fd = high;
	}
	m->devnull = fd;
	for (i = 0; i < m->n_links; i++) {
		struct link *l = &m->links[i];

		if ((rc = pue_modbus_link_init(&l->mb, l->mb.conf, m->devnull, err)) < 0)
			return rc;
		l->mb.stop = &m->stopping;
		/* devs, batch and wait: one allocation, at devs */
		if ((l->devs = calloc(3 * l->cap_wait, sizeof(struct dev *))) == NULL)
			return pue_err_set(err, -ENOMEM, "modbus: out of memory");
		l->batch = l->devs + l->cap_wait;
		l->wait = l->batch + l->cap_wait;
	}
	return 0;
}

static void poller_free(struct pue_poller *p);

static struct pue_poller *
poller_new(const struct pue_poller_env *env, struct pue_err *err)
{
	const struct pue_config *cfg = env->cfg;
	struct pue_modbus *m = calloc(1, sizeof(*m));
	struct pue_modbus_spread *spreads = NULL;
	size_t i, n = 0, k;
	unsigned max_threads;
	int rc;

	if (m == NULL)
		goto nomem;
	pue_poller_init(&m->poller, &pue_modbus_poll_ops, env);
	m->devnull = -1;
	for (i = 0; i < cfg->n_devices; i++)
		n += is_modbus(&cfg->devices[i]);
	m->by_device = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(*m->by_device));
	m->devs = calloc(n ? n : 1, sizeof(*m->devs));
	m->links = calloc(n ? n : 1, sizeof(*m->links));
	if (m->by_device == NULL || m->devs == NULL || m->links == NULL)
		goto nomem;
	for (i = 0; i < n; i++)
		m->links[i].mb.fd = -1;
	for (i = 0; i < cfg->n_devices; i++) {
		if (!is_modbus(&cfg->devices[i]))
			continue;
		if (setup_dev(m, &m->devs[m->n_devs++], i, &spreads, err) < 0)
			goto fail;
	}
	pue_modbus_spread_free(spreads); /* every device has its connection */
	spreads = NULL;
	if (m->n_devs == 0)
		return &m->poller;
	if (shrink_links(m) < 0)
		goto nomem;
	if (reserve_descriptors(m, err) < 0)
		goto fail;
	for (k = 0; k < m->n_devs; k++)
		m->devs[k].link->devs[m->devs[k].link->n_devs++] = &m->devs[k];
	/* workers threads always, and one more per connection while every
	 * one is busy: a connection never waits for another's dead meter. */
	max_threads = m->n_links > cfg->workers ? (unsigned)m->n_links : cfg->workers;
	m->workq = pue_workq_new(cfg->workers, max_threads, m->n_links, PUE_WORKQ_IDLE_MS, err);
	if (m->workq == NULL)
		goto fail;
	if ((rc = pue_loop_add_fd(m->poller.loop, pue_workq_fd(m->workq), EPOLLIN, on_done, m)) <
	    0) {
		pue_err_set(err, rc, "modbus: watching workers: %s", strerror(-rc));
		goto fail;
	}
	if (pue_loop_add_busy(m->poller.loop, any_job_out, m) < 0)
		goto nomem;
	m->probing_loop = true;
	/* Spread first polls over the interval by connection, so hundreds of
	 * them do not all fire in the same instant, while the devices of one
	 * connection share its phase and are polled in one job. */
	for (k = 0; k < m->n_devs; k++) {
		struct dev *d = &m->devs[k];

		if (pue_poll_schedule_start(&m->poller.schedules, &d->sched,
					    (size_t)(d->link - m->links), m->n_links) < 0)
			goto nomem;
	}
	return &m->poller;
nomem:
	pue_err_set(err, -ENOMEM, "modbus: out of memory");
fail:
	pue_modbus_spread_free(spreads);
	poller_free(m != NULL ? &m->poller : NULL);
	return NULL;
}

static void
poller_free(struct pue_poller *p)
{
	struct pue_modbus *m = (struct pue_modbus *)p;
	size_t i;

	if (m == NULL)
		return;
	if (m->probing_loop)
		pue_loop_del_busy(m->poller.loop, any_job_out, m);
	if (m->workq != NULL) {
		/* A worker may sit in a read for a whole timeout (up to 60 s):
		 * tell it to stop and cut its socket short, so SIGTERM is
		 * answered at once. shutdown() on a placeholder fails harmlessly,
		 * and the descriptor stays the worker's to close. */
		atomic_store(&m->stopping, true);
		for (i = 0; i < m->n_links; i++)
			if (m->links[i].mb.fd >= 0)
				shutdown(m->links[i].mb.fd, SHUT_RDWR);
		pue_loop_del_fd(m->poller.loop, pue_workq_fd(m->workq));
		pue_workq_free(m->workq); /* joins: no worker touches a link after this */
	}
	for (i = 0; i < m->n_devs; i++) {
		struct dev *d = &m->devs[i];

		pue_poll_schedule_stop(&d->sched);
		pue_modbus_plan_free(&d->plan);
		free(d->read_wall); /* the results' block (setup_dev()) */
		pue_errtext_clear(&d->error);
		pue_health_release(&d->health);
	}
	for (i = 0; i < m->n_links; i++) {
		pue_modbus_link_fini(&m->links[i].mb);
		free(m->links[i].devs); /* and batch and wait with it */
	}
	if (m->devnull >= 0)
		close(m->devnull);
	free(m->links);
	free(m->devs);
	free(m->by_device);
	free(m);
}

static const struct pue_health *
poller_health(const struct pue_poller *p, size_t device)
{
	const struct pue_modbus *m = (const struct pue_modbus *)p;

	if (device >= m->poller.cfg->n_devices || m->by_device[device] == NULL)
		return NULL;
	return &m->by_device[device]->health;
}

static size_t
poller_reads_per_poll(const struct pue_poller *p, size_t device)
{
	const struct pue_modbus *m = (const struct pue_modbus *)p;

	if (device >= m->poller.cfg->n_devices || m->by_device[device] == NULL)
		return 0;
	return m->by_device[device]->plan.n_reads;
}

const struct pue_poller_ops pue_modbus_poll_ops = {
	.name = "modbus",
	.new = poller_new,
	.free = poller_free,
	.health = poller_health,
	.reads_per_poll = poller_reads_per_poll,
};
