/* SPDX-License-Identifier: MIT */
/* clock.c - system, scaled, manual and stepped clocks; see clock.h. */
#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum kind { SYSTEM, SCALED, MANUAL, STEPPED };

/* The stepped clock's file: the monotonic time and the wall clock's offset
 * from it. Readers in other processes (and pued's workers) load each field
 * atomically; only one process writes at a time (clock.h). */
#define STEP_MAGIC 0x324b4c4345555000ULL /* "\0PUECLK2" */
struct step_file {
	uint64_t magic;
	int64_t mono_ns;
	int64_t wall_minus_mono_ms;
	int64_t boot; /* pue_clock_boot_id(); pue_clock_reboot() counts it up */
};

struct pue_clock {
	enum kind kind;
	double rate;
	int64_t start_ms;     /* SCALED: wall reading at the anchor */
	int64_t anchor_ms;    /* SCALED: real Unix ms of the anchor */
	int64_t mono_base_ns; /* SCALED: real monotonic ns when created */
	int64_t manual_ms;    /* MANUAL: current wall reading */
	int64_t manual_mono_ns;
	struct step_file *step;	 /* STEPPED: the shared file, mapped */
	struct absorber *absorb; /* NULL: pue_clock_wall() is the raw wall clock */
	char boot[40];		 /* SYSTEM: the machine's boot_id, "" unknown */
};

/* The step absorber (clock.h): the stamps are the monotonic time plus an
 * offset that follows the wall clock exactly, except after a step, when it
 * slews toward the wall clock's new offset. Stamps are read by the Modbus
 * workers too, hence the lock. */
struct absorber {
	pthread_mutex_t lock;
	bool started, slewing;
	int64_t off_ms;	   /* stamp - monotonic ms */
	int64_t target_ms; /* wall - monotonic ms: where off_ms is going */
	int64_t slewed_at; /* monotonic ms up to which slewing is accounted */
	uint64_t steps;
	int64_t last_step_ms;
};

static int64_t
read_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct pue_clock *
clock_new(enum kind kind)
{
	struct pue_clock *c = calloc(1, sizeof(*c));

	if (c != NULL) {
		c->kind = kind;
		c->rate = 1.0;
	}
	return c;
}

/* Read once: a flush marks the clock every second (pue_clock_boot_id()).
 * The unit passes the boot id in PUE_BOOT_ID_ENV, since its ProcSubset=pid
 * hides /proc/sys. */
struct pue_clock *
pue_clock_new_system(void)
{
	struct pue_clock *c = clock_new(SYSTEM);
	const char *env = getenv(PUE_BOOT_ID_ENV);
	FILE *f;

	if (c == NULL)
		return NULL;
	if (env != NULL && *env != '\0' && strlen(env) < sizeof(c->boot) &&
	    strchr(env, ' ') == NULL)
		snprintf(c->boot, sizeof(c->boot), "%s", env);
	else if ((f = fopen("/proc/sys/kernel/random/boot_id", "re")) != NULL) {
		if (fgets(c->boot, sizeof(c->boot), f) == NULL)
			c->boot[0] = '\0';
		c->boot[strcspn(c->boot, "\n")] = '\0';
		fclose(f);
	}
	return c;
}

struct pue_clock *
pue_clock_new_scaled(pue_wall_t start, pue_wall_t anchor, double rate)
{
	struct pue_clock *c = clock_new(SCALED);

	if (c == NULL)
		return NULL;
	c->rate = rate;
	c->start_ms = start.ms;
	c->anchor_ms = anchor.ms;
	c->mono_base_ns = read_ns(CLOCK_MONOTONIC);
	return c;
}

struct pue_clock *
pue_clock_new_manual(pue_wall_t start)
{
	struct pue_clock *c = clock_new(MANUAL);

	if (c == NULL)
		return NULL;
	c->manual_ms = start.ms;
	c->manual_mono_ns = 1000000000; /* never 0, so "unset" stays distinguishable */
	return c;
}

int
pue_clock_file_init(const char *path, pue_wall_t start, struct pue_err *err)
{
	/* Monotonic time starts at 1 s, as on a manual clock. */
	struct step_file f = {STEP_MAGIC, 1000000000, start.ms - 1000, 1};
	char tmp[4096];
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return pue_err_set(err, -ENAMETOOLONG, "clock: %s: name too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return pue_err_set(err, -errno, "clock: %s: %s", tmp, strerror(errno));
	if (write(fd, &f, sizeof(f)) != (ssize_t)sizeof(f))
		rc = -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return pue_err_set(err, rc, "clock: %s: %s", path, strerror(-rc));
	}
	return 0;
}

struct pue_clock *
pue_clock_new_stepped(const char *path, struct pue_err *err)
{
	struct pue_clock *c;
	struct stat st;
	void *p;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		pue_err_set(err, -errno, "clock: %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size != (off_t)sizeof(struct step_file)) {
		close(fd);
		pue_err_set(err, -EINVAL, "clock: %s: not a stepped clock file", path);
		return NULL;
	}
	p = mmap(NULL, sizeof(struct step_file), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		pue_err_set(err, -errno, "clock: %s: %s", path, strerror(errno));
		return NULL;
	}
	if (((struct step_file *)p)->magic != STEP_MAGIC || (c = clock_new(STEPPED)) == NULL) {
		munmap(p, sizeof(struct step_file));
		pue_err_set(err, -EINVAL, "clock: %s: not a stepped clock file", path);
		return NULL;
	}
	c->step = p;
	return c;
}

struct pue_clock *
pue_clock_new_from_env(struct pue_err *err)
{
	const char *s = getenv(PUE_CLOCK_ENV);
	int64_t start, anchor;
	double rate;
	int used = 0;

	if (s == NULL || *s == '\0')
		return pue_clock_new_system();
	if (strncmp(s, PUE_CLOCK_STEP_PREFIX, strlen(PUE_CLOCK_STEP_PREFIX)) == 0)
		return pue_clock_new_stepped(s + strlen(PUE_CLOCK_STEP_PREFIX), err);
	if (sscanf(s, "%" SCNd64 ",%" SCNd64 ",%lf%n", &start, &anchor, &rate, &used) != 3 ||
	    s[used] != '\0' || !(rate > 0 && rate <= 100000) || start < 0 || anchor < 0) {
		pue_err_set(err, -EINVAL,
			    "%s=\"%s\": expected START_MS,ANCHOR_MS,RATE or step:PATH",
			    PUE_CLOCK_ENV, s);
		return NULL;
	}
	return pue_clock_new_scaled((pue_wall_t){start}, (pue_wall_t){anchor}, rate);
}

void
pue_clock_free(struct pue_clock *c)
{
	if (c != NULL && c->step != NULL)
		munmap(c->step, sizeof(*c->step));
	if (c != NULL && c->absorb != NULL) {
		pthread_mutex_destroy(&c->absorb->lock);
		free(c->absorb);
	}
	free(c);
}

void
pue_clock_absorb_steps(struct pue_clock *c)
{
	if (c->absorb != NULL || (c->absorb = calloc(1, sizeof(*c->absorb))) == NULL)
		return; /* out of memory: stamps follow the wall clock, as before */
	pthread_mutex_init(&c->absorb->lock, NULL);
}

static int64_t
step_load(const int64_t *field)
{
	return __atomic_load_n(field, __ATOMIC_ACQUIRE);
}

static void
step_store(int64_t *field, int64_t v)
{
	__atomic_store_n(field, v, __ATOMIC_RELEASE);
}

pue_mono_t
pue_clock_mono(const struct pue_clock *c)
{
	switch (c->kind) {
	case SCALED:
		return (pue_mono_t){
			(int64_t)((double)(read_ns(CLOCK_MONOTONIC) - c->mono_base_ns) * c->rate) +
			1000000000};
	case MANUAL:
		return (pue_mono_t){c->manual_mono_ns};
	case STEPPED:
		return (pue_mono_t){step_load(&c->step->mono_ns)};
	case SYSTEM:
	default:
		return (pue_mono_t){read_ns(CLOCK_MONOTONIC)};
	}
}

static pue_wall_t raw_wall(const struct pue_clock *c);

/* One reading of the stamp clock: see struct absorber. */
static int64_t
absorb(struct absorber *a, int64_t wall_ms, int64_t mono_ms)
{
	int64_t now_off = wall_ms - mono_ms, room, stamp;

	pthread_mutex_lock(&a->lock);
	if (!a->started) {
		a->off_ms = a->target_ms = now_off;
		a->started = true;
	} else if (now_off - a->target_ms > PUE_CLOCK_STEP_MS ||
		   a->target_ms - now_off > PUE_CLOCK_STEP_MS) {
		a->steps++;
		a->last_step_ms = now_off - a->target_ms;
		a->slewing = true;
		a->slewed_at = mono_ms;
		if (now_off - a->off_ms > PUE_CLOCK_MAX_SLEW_MS ||
		    a->off_ms - now_off > PUE_CLOCK_MAX_SLEW_MS)
			a->off_ms = now_off; /* too far to slew: follow it now */
	}
	a->target_ms = now_off;
	if (!a->slewing) {
		a->off_ms = now_off;
	} else if (mono_ms > a->slewed_at) {
		/* Whole milliseconds only; the rest of the time stays owed. */
		room = (mono_ms - a->slewed_at) / PUE_CLOCK_SLEW_DIV;
		a->slewed_at += room * PUE_CLOCK_SLEW_DIV;
		if (a->off_ms < a->target_ms)
			a->off_ms =
				a->off_ms + room < a->target_ms ? a->off_ms + room : a->target_ms;
		else
			a->off_ms =
				a->off_ms - room > a->target_ms ? a->off_ms - room : a->target_ms;
		a->slewing = a->off_ms != a->target_ms;
	}
	stamp = mono_ms + a->off_ms;
	pthread_mutex_unlock(&a->lock);
	return stamp;
}

bool
pue_clock_go_on_from(const struct pue_clock *c, int64_t from_ms, int64_t step_ms)
{
	struct absorber *a = c->absorb;
	int64_t mono_ms = pue_clock_mono(c).ns / 1000000, off;
	bool moved = false;

	if (a == NULL)
		return false;
	off = from_ms - pue_clock_wall(c).ms; /* starts the absorber */
	pthread_mutex_lock(&a->lock);
	if (step_ms != 0) {
		a->steps++;
		a->last_step_ms = step_ms;
	}
	/* too far to slew: the stamps follow the wall clock, as running */
	if (off != 0 && off <= PUE_CLOCK_MAX_SLEW_MS && -off <= PUE_CLOCK_MAX_SLEW_MS) {
		a->off_ms = from_ms - mono_ms;
		a->slewing = true;
		a->slewed_at = mono_ms;
		moved = true;
	}
	pthread_mutex_unlock(&a->lock);
	return moved;
}

int64_t
pue_clock_wall_offset(const struct pue_clock *c)
{
	return raw_wall(c).ms - pue_clock_mono(c).ns / 1000000;
}

bool
pue_clock_boot_id(const struct pue_clock *c, char *buf, size_t size)
{
	switch (c->kind) {
	case STEPPED:
		return snprintf(buf, size, "step-%" PRId64, step_load(&c->step->boot)) < (int)size;
	case SYSTEM:
		return c->boot[0] != '\0' && snprintf(buf, size, "%s", c->boot) < (int)size;
	default:
		return false;
	}
}

void
pue_clock_reboot(struct pue_clock *c)
{
	if (c->kind == STEPPED)
		step_store(&c->step->boot, step_load(&c->step->boot) + 1);
}

void
pue_clock_steps(const struct pue_clock *c, uint64_t *count, int64_t *last_ms, int64_t *behind_ms)
{
	struct absorber *a = c->absorb;

	*count = 0;
	*last_ms = *behind_ms = 0;
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	*count = a->steps;
	*last_ms = a->last_step_ms;
	*behind_ms = a->target_ms - a->off_ms;
	pthread_mutex_unlock(&a->lock);
}

pue_wall_t
pue_clock_wall(const struct pue_clock *c)
{
	pue_wall_t raw;

	if (c->absorb == NULL)
		return raw_wall(c);
	raw = raw_wall(c);
	return (pue_wall_t){absorb(c->absorb, raw.ms, pue_clock_mono(c).ns / 1000000)};
}

static pue_wall_t
raw_wall(const struct pue_clock *c)
{
	switch (c->kind) {
	case SCALED: {
		double real_ms = (double)read_ns(CLOCK_REALTIME) / 1e6;
		return (pue_wall_t){c->start_ms +
				    (int64_t)((real_ms - (double)c->anchor_ms) * c->rate)};
	}
	case MANUAL:
		return (pue_wall_t){c->manual_ms};
	case STEPPED:
		return (pue_wall_t){step_load(&c->step->mono_ns) / 1000000 +
				    step_load(&c->step->wall_minus_mono_ms)};
	case SYSTEM:
	default:
		return (pue_wall_t){read_ns(CLOCK_REALTIME) / 1000000};
	}
}

void
pue_clock_advance(struct pue_clock *c, int64_t ms)
{
	if (ms < 0)
		return;
	if (c->kind == MANUAL) {
		c->manual_ms += ms;
		c->manual_mono_ns += ms * 1000000;
	} else if (c->kind == STEPPED) {
		step_store(&c->step->mono_ns, step_load(&c->step->mono_ns) + ms * 1000000);
	}
}

void
pue_clock_set_mono(struct pue_clock *c, pue_mono_t t)
{
	int64_t now = pue_clock_mono(c).ns;

	if (t.ns <= now || (c->kind != MANUAL && c->kind != STEPPED))
		return;
	if (c->kind == MANUAL) {
		/* The wall clock keeps its offset in whole milliseconds. */
		c->manual_ms += t.ns / 1000000 - now / 1000000;
		c->manual_mono_ns = t.ns;
	} else {
		step_store(&c->step->mono_ns, t.ns);
	}
}

void
pue_clock_step_wall(struct pue_clock *c, int64_t ms)
{
	if (c->kind == MANUAL)
		c->manual_ms += ms;
	else if (c->kind == STEPPED)
		step_store(&c->step->wall_minus_mono_ms,
			   step_load(&c->step->wall_minus_mono_ms) + ms);
}

bool
pue_clock_is_stepped(const struct pue_clock *c)
{
	return c->kind == STEPPED;
}

pue_mono_t
pue_clock_real(void)
{
	return (pue_mono_t){read_ns(CLOCK_MONOTONIC)};
}

int64_t
pue_clock_real_ns_until(const struct pue_clock *c, pue_mono_t deadline)
{
	int64_t left;

	if (c->kind == MANUAL || c->kind == STEPPED)
		return INT64_MAX;
	left = deadline.ns - pue_clock_mono(c).ns;
	if (left <= 0)
		return 0;
	return (int64_t)((double)left / c->rate);
}

double
pue_clock_rate(const struct pue_clock *c)
{
	return c->rate;
}
