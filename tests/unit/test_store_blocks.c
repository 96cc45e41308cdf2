/* SPDX-License-Identifier: MIT */
/*
 * test_store_blocks.c - raw samples stored as blocks (store_blocks.c):
 * every sample a flush acknowledged comes back with its bits, in (t,
 * point) order, whether in a block or still in raw_tail, after a crash
 * (SIGKILL), beside a reload's second store and after a failed flush,
 * each once; the retention cut is exact though
 * blocks straddle it; two blocks of a point may start at one millisecond.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/raw_cursor.h"
#include "store/raw_vtab.h"
#include "store/store.h"

#include "blocks_fixture.h"

/* 1500 polls of 6 points over more than 240 samples a block and across a
 * 2-hour gap, flushed every 7 polls; a reader sees each flush at once,
 * the block in progress included. */
static void
test_blocks_every_sample_back_bit_exact(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	int64_t i, t = T0;

	assert_non_null(st);
	for (i = 0; i < 1500; i++) {
		t += i == 700 ? 2 * 3600000 : 1000 + (i * 13) % 7;
		poll_all(f, st, t, i);
		if (i % 7 == 6) {
			assert_int_equal(pue_store_flush(st, (pue_wall_t){t}, NULL), 0);
			if (i % 350 == 6) {
				struct row copy[MAX_ROWS];
				int64_t tail = query_int(f->path, "SELECT count(*) FROM raw_tail");

				memcpy(copy, f->want, f->n_want * sizeof(*copy));
				assert_stored(f->path, copy, f->n_want);
				/* flushed since the last checkpoint, at most 32 a point */
				assert_true(tail > 0 && tail <= 32 * N_DEV * N_PT);
			}
		}
	}
	pue_store_close(st);
	assert_stored(f->path, f->want, f->n_want);
	assert_bits_through_cursor(f->path, f->want, f->n_want);
	/* closed blocks of 240 samples or a checkpoint's more (at most twice
	 * that), and no more than an hour */
	assert_true(query_int(f->path, "SELECT min(n) FROM raw_blocks WHERE t_last < "
				       "1767225600000 + 600000") >= 240);
	assert_true(query_int(f->path, "SELECT max(n) FROM raw_blocks") <= 480);
	assert_true(query_int(f->path, "SELECT max(t_last - t_first) FROM raw_blocks") < 3600000);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM raw_open"), N_DEV * N_PT);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM raw_tail"), 0);
}

/* A crash: the child flushes 500 polls, one flush each, queues 3 more and
 * dies by SIGKILL. Every flushed sample is there, none of the others; a
 * second run closes the blocks the first left in progress and goes on. */
static void
test_blocks_crash_keeps_every_flushed_sample(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st;
	int64_t i;
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		st = pue_store_open(f->path, &f->sc, NULL);
		for (i = 0; i < 503; i++) {
			poll_all(f, st, T0 + 1000 * i, i);
			if (i < 500 && pue_store_flush(st, (pue_wall_t){T0 + 1000 * i}, NULL) < 0)
				_exit(1);
		}
		raise(SIGKILL);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* the child's additions to want[] stayed in the child */
	for (i = 0; i < 500; i++) {
		size_t d, p;

		for (d = 0; d < N_DEV; d++)
			for (p = 0; p < N_PT; p++)
				f->want[f->n_want++] =
					(struct row){T0 + 1000 * i, (int64_t)(d * N_PT + p) + 1,
						     reading(d, p, i)};
	}
	assert_bits_through_cursor(f->path, f->want, f->n_want);
	/* the 20 polls since the 15th checkpoint were in raw_tail only */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM raw_tail"), 20 * N_DEV * N_PT);
	st = pue_store_open(f->path, &f->sc, NULL);
	for (i = 500; i < 700; i++)
		poll_all(f, st, T0 + 1000 * i, i);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 700000}, NULL), 0);
	pue_store_close(st);
	assert_bits_through_cursor(f->path, f->want, f->n_want);
}

/* A reload: the new store opens beside the old one, which goes on
 * writing until it closes; then the new one writes. Each sample once. */
static void
test_blocks_reload_beside_the_old_store(void **state)
{
	struct fixture *f = *state;
	struct pue_store *old = pue_store_open(f->path, &f->sc, NULL), *st;
	int64_t i;

	for (i = 0; i < 300; i++) {
		poll_all(f, old, T0 + 1000 * i, i);
		assert_int_equal(pue_store_flush(old, (pue_wall_t){T0 + 1000 * i}, NULL), 0);
	}
	st = pue_store_open(f->path, &f->sc, NULL);
	assert_non_null(st);
	for (; i < 350; i++) {
		poll_all(f, old, T0 + 1000 * i, i);
		assert_int_equal(pue_store_flush(old, (pue_wall_t){T0 + 1000 * i}, NULL), 0);
	}
	pue_store_close(old);
	for (; i < 400; i++) {
		poll_all(f, st, T0 + 1000 * i, i);
		assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 1000 * i}, NULL), 0);
	}
	pue_store_close(st);
	assert_bits_through_cursor(f->path, f->want, f->n_want);
}

/* A flush that fails (the disk full) rolls its blocks back; the samples
 * stay queued and the next flush writes them, each once. */
static void
test_blocks_failed_flush_loses_and_repeats_nothing(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st = pue_store_open(f->path, &f->sc, NULL);
	struct pue_err err;
	int64_t i;

	for (i = 0; i < 300; i++) {
		poll_all(f, st, T0 + 1000 * i, i);
		assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 1000 * i}, NULL), 0);
	}
	assert_int_equal(pue_store_limit_pages(st, 1), 0);
	for (; i < 1300; i++)
		poll_all(f, st, T0 + 1000 * i, i);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 1000 * i}, &err), PUE_E_STORE);
	assert_int_equal(pue_store_limit_pages(st, 1 << 30), 0);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){T0 + 1000 * i}, &err), 0);
	for (; i < 1400; i++)
		poll_all(f, st, T0 + 1000 * i, i);
	pue_store_close(st);
	assert_bits_through_cursor(f->path, f->want, f->n_want);
}

/* Retention drops whole blocks, and the samples before the cut in the
 * block that reaches past it are gone to every reader all the same. */
static void
test_blocks_retention_cut_is_exact(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st;
	struct pue_store_stats s;
	int64_t i, t_first, t_last, cut, gone, blocks_before;
	size_t k = 0;

	f->sc.n_points = 1; /* one point: incomer/power, id 1 */
	f->sc.raw_retention_ms = 3600000;
	st = pue_store_open(f->path, &f->sc, NULL);
	for (i = 0; i < 1080; i++) { /* every 10 s for 3 h, a poll a flush */
		assert_int_equal(
			pue_store_add_sample(st, 0, 0, (pue_wall_t){T0 + 10000 * i}, (double)i), 0);
		assert_int_equal(pue_store_flush(st, (pue_wall_t){0}, NULL), 0);
	}
	/* the cut half way through the third block */
	t_first = query_int(f->path, "SELECT t_first FROM raw_blocks ORDER BY t_first LIMIT 1 "
				     "OFFSET 2");
	t_last = query_int(f->path, "SELECT t_last FROM raw_blocks ORDER BY t_first LIMIT 1 "
				    "OFFSET 2");
	cut = t_first + (t_last - t_first) / 2 + 5000;
	gone = query_int(f->path, "SELECT sum(n) FROM (SELECT n FROM raw_blocks ORDER BY t_first "
				  "LIMIT 2)");
	blocks_before = query_int(f->path, "SELECT count(*) FROM raw_blocks");
	assert_true(blocks_before >= 4);
	assert_int_equal(pue_store_flush(st, (pue_wall_t){cut + 3600000}, NULL), 0);
	pue_store_stats(st, &s);
	pue_store_close(st);
	/* the first two went; the third stays, hidden up to the cut */
	assert_int_equal(s.trimmed, gone);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM raw_blocks"), blocks_before - 2);
	for (i = 0; i < 1080; i++)
		if (T0 + 10000 * i >= cut)
			f->want[k++] = (struct row){T0 + 10000 * i, 1, (double)i};
	assert_true(k < 1080 - (size_t)gone);
	assert_stored(f->path, f->want, k);
}

/* A clock set back between two runs: a block of the same point starting at
 * the same millisecond is kept beside the first (seq), both read back. */
static void
test_blocks_same_start_twice_keeps_both(void **state)
{
	struct fixture *f = *state;
	struct pue_store *st;
	int run, i;

	for (run = 0; run < 2; run++) {
		st = pue_store_open(f->path, &f->sc, NULL);
		for (i = 0; i < (run ? 5 : 10); i++) {
			assert_int_equal(pue_store_add_sample(st, 1, 0, (pue_wall_t){T0 + 1000 * i},
							      (double)(run * 100 + i)),
					 0);
		}
		assert_int_equal(pue_store_flush(st, (pue_wall_t){0}, NULL), 0);
		pue_store_close(st);
	}
	st = pue_store_open(f->path, &f->sc, NULL);
	assert_int_equal(pue_store_add_sample(st, 1, 1, (pue_wall_t){T0}, 1.0), 0);
	pue_store_close(st); /* its write closes the second run's block */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM raw_blocks WHERE t_first = "
					    "1767225600000 AND point = 3"),
			 2);
	assert_int_equal(query_int(f->path, "SELECT max(seq) FROM raw_blocks"), 1);
	/* 0..9 and 100..104 at the same times (their order there is open) */
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples WHERE point = 3"), 15);
	assert_int_equal(query_int(f->path, "SELECT sum(value) FROM samples WHERE point = 3"), 555);
	assert_int_equal(query_int(f->path, "SELECT count(*) FROM samples WHERE t = 1767225600000"),
			 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blocks_every_sample_back_bit_exact, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blocks_crash_keeps_every_flushed_sample, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blocks_reload_beside_the_old_store, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blocks_failed_flush_loses_and_repeats_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks_retention_cut_is_exact, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blocks_same_start_twice_keeps_both, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
