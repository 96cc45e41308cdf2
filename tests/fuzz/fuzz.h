/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - shared by the libFuzzer targets in tests/fuzz: reading numbers
 * off the fuzzer's input, and invariants that abort() with a message.
 * Header-only (static functions, and ASan's defaults), so each target is
 * one file.
 */
#ifndef PUE_FUZZ_H
#define PUE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry points (LLVMFuzzerInitialize is optional). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ASan holds freed memory back, poisoned, in a quarantine so that a use
 * after free is caught; by default 256 MB, which a fuzzer cycles through
 * every few thousand inputs, touching fresh pages each time: a third of
 * fuzz_engine's time went to page faults and the allocator. An input of
 * any target frees far less than 16 MB (tests/fuzz/README.md), so the
 * quarantine still holds everything freed during the input and many
 * inputs before it. ASAN_OPTIONS in the environment still overrides it.
 * Defined here, not static: each target is one file. */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

/* An invariant: when it does not hold, says which and where, and aborts,
 * which libFuzzer reports as a crash and saves the input. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__,       \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The fuzzer's bytes, consumed from the front; zeros once they run out, so
 * every input, however short, is a complete case. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t
take_bytes(struct fuzz_in *in, size_t k)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		v = v << 8 | (in->n > 0 ? *in->p : 0);
		if (in->n > 0) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

static inline uint8_t
take_u8(struct fuzz_in *in)
{
	return (uint8_t)take_bytes(in, 1);
}

static inline uint16_t
take_u16(struct fuzz_in *in)
{
	return (uint16_t)take_bytes(in, 2);
}

static inline uint32_t
take_u32(struct fuzz_in *in)
{
	return (uint32_t)take_bytes(in, 4);
}

static inline uint64_t
take_u64(struct fuzz_in *in)
{
	return take_bytes(in, 8);
}

/* Any double, NaN and infinities included. */
static inline double
take_double(struct fuzz_in *in)
{
	uint64_t bits = take_u64(in);
	double d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

#endif
