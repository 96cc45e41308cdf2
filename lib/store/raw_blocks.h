/* SPDX-License-Identifier: MIT */
/*
 * raw_blocks.h - closed raw blocks (sample_codec.h) written to the table
 * raw_blocks: by the store (store_blocks.c) and by the conversions that
 * need only a connection, schema 4's samples table (store_schema.c) and an
 * earlier connection's raw_tail (store_blocks.c). The table is in
 * store_schema.c, the reading in raw_cursor.h. Main thread only (the
 * store's connection).
 */
#ifndef PUE_RAW_BLOCKS_H
#define PUE_RAW_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "util/err.h"
#include "store/sample_encode.h"

/* Samples a block holds before it closes (the store closes it at its next
 * checkpoint): a point polled every second closes one every 4 to 5
 * minutes. More samples share a block's fixed cost (about 50 bytes: its
 * row, its index entry, its first time and value in full), but make the
 * blocks in progress, which the store writes at each checkpoint, larger. */
#define PUE_RAW_BLOCK_SAMPLES 240

/* Inserts a closed block: ?1 t_first, ?2 t_last, ?3 n, ?4 data, ?5 point. */
extern const char pue_raw_blocks_insert_sql[];

/* Binds e's first and last times, count and bytes as ?first..?first+3 of
 * s; the bytes are borrowed until e changes. */
void pue_raw_blocks_bind(sqlite3_stmt *s, int first, struct pue_codec_enc *e);

/* Writes e through ins (pue_raw_blocks_insert_sql) as point's closed
 * block, in its smaller form, and empties it. 0 or -1 (the database's
 * error). */
int pue_raw_blocks_close(sqlite3_stmt *ins, int64_t point, struct pue_codec_enc *e);

/* Whether a sample at t_ms may join e, which holds fewer than limit
 * samples, or e must close first: a block stays under PUE_RAW_SPAN_MS and
 * its times increase. */
bool pue_raw_blocks_takes(const struct pue_codec_enc *e, int64_t t_ms, size_t limit);

/* Every row of q (prepared; stepped here): t, point, and the value, or
 * with bits its 64 bits as an integer, each point's rows in time order;
 * into blocks of PUE_RAW_BLOCK_SAMPLES written to raw_blocks. Returns 0,
 * -1 (the database's error) or -ENOMEM; *rows counts the rows read. */
int pue_raw_blocks_convert(sqlite3 *db, sqlite3_stmt *q, bool bits, uint64_t *rows);

/* Schema 4 to 5 (store_schema.c): the samples table into blocks, inside
 * the caller's transaction. 0 or PUE_E_STORE with err set. */
int pue_raw_blocks_convert_samples(sqlite3 *db, struct pue_err *err);

#endif
