/* SPDX-License-Identifier: MIT */
/* alert_mib.c - PUED-MIB OIDs and value sets; see alert_mib.h. */
#include "alerts/alert_mib.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/figure.h"

int
pue_alert_mib_parse_prefix(const char *text, uint32_t *prefix, size_t *len)
{
	const char *p = text;
	size_t n = 0;

	if (*p == '.')
		p++;
	while (*p != '\0') {
		char *end;
		unsigned long long arc;

		if (*p < '0' || *p > '9' || n == PUE_MIB_MAX_PREFIX)
			return -EINVAL;
		errno = 0;
		arc = strtoull(p, &end, 10);
		if (errno != 0 || arc > UINT32_MAX || (*end != '.' && *end != '\0'))
			return -EINVAL;
		prefix[n++] = (uint32_t)arc;
		p = *end == '.' ? end + 1 : end;
		if (*end == '.' && *p == '\0')
			return -EINVAL;
	}
	if (n < 2)
		return -EINVAL;
	*len = n;
	return 0;
}

static struct pue_mib_value *
add(struct pue_mib_values *vs, const uint32_t *prefix, size_t prefix_len, const uint32_t *arcs,
    size_t n_arcs, int *rc)
{
	struct pue_mib_value *v;

	if (prefix_len + n_arcs > PUE_MIB_MAX_OID) {
		*rc = -E2BIG;
		return NULL;
	}
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 64;
		struct pue_mib_value *grown = reallocarray(vs->v, cap, sizeof(*grown));

		if (grown == NULL) {
			*rc = -ENOMEM;
			return NULL;
		}
		vs->v = grown;
		vs->cap = cap;
	}
	v = &vs->v[vs->n];
	memset(v, 0, sizeof(*v));
	if (prefix_len > 0)
		memcpy(v->oid, prefix, prefix_len * sizeof(uint32_t));
	if (n_arcs > 0)
		memcpy(v->oid + prefix_len, arcs, n_arcs * sizeof(uint32_t));
	v->oid_len = prefix_len + n_arcs;
	*rc = 0;
	return v;
}

int
pue_alert_mib_add_number(struct pue_mib_values *vs, const uint32_t *prefix, size_t prefix_len,
			 const uint32_t *arcs, size_t n_arcs, enum pue_mib_type type,
			 int64_t number)
{
	int rc;
	struct pue_mib_value *v = add(vs, prefix, prefix_len, arcs, n_arcs, &rc);

	if (v == NULL)
		return rc;
	v->type = type;
	v->number = number;
	vs->n++;
	return 0;
}

int
pue_alert_mib_add_octets(struct pue_mib_values *vs, const uint32_t *prefix, size_t prefix_len,
			 const uint32_t *arcs, size_t n_arcs, const void *octets, size_t n)
{
	int rc;
	struct pue_mib_value *v = add(vs, prefix, prefix_len, arcs, n_arcs, &rc);

	if (v == NULL)
		return rc;
	/* DisplayString is at most 255 octets (SNMPv2-TC). */
	if (n > 255)
		n = 255;
	if ((v->octets = malloc(n ? n : 1)) == NULL)
		return -ENOMEM;
	if (n > 0)
		memcpy(v->octets, octets, n);
	v->n_octets = n;
	v->type = PUE_MIB_OCTETS;
	vs->n++;
	return 0;
}

static int
compare_oids(const uint32_t *a, size_t a_len, const uint32_t *b, size_t b_len)
{
	size_t i, n = a_len < b_len ? a_len : b_len;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return a_len < b_len ? -1 : a_len > b_len;
}

static int
compare_values(const void *a, const void *b)
{
	const struct pue_mib_value *x = a, *y = b;

	return compare_oids(x->oid, x->oid_len, y->oid, y->oid_len);
}

void
pue_alert_mib_values_sort(struct pue_mib_values *vs)
{
	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof(*vs->v), compare_values);
}

const struct pue_mib_value *
pue_alert_mib_values_find(const struct pue_mib_values *vs, const uint32_t *oid, size_t len,
			  bool next, bool inclusive)
{
	size_t lo = 0, hi = vs->n;

	/* The first value not below oid. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (compare_oids(vs->v[mid].oid, vs->v[mid].oid_len, oid, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == vs->n)
		return NULL;
	if (compare_oids(vs->v[lo].oid, vs->v[lo].oid_len, oid, len) == 0) {
		if (!next || inclusive)
			return &vs->v[lo];
		return lo + 1 < vs->n ? &vs->v[lo + 1] : NULL;
	}
	return next ? &vs->v[lo] : NULL;
}

void
pue_alert_mib_values_clear(struct pue_mib_values *vs)
{
	size_t i;

	if (vs == NULL)
		return;
	for (i = 0; i < vs->n; i++)
		free(vs->v[i].octets);
	free(vs->v);
	vs->v = NULL;
	vs->n = vs->cap = 0;
}

void
pue_alert_mib_values_free(struct pue_mib_values *vs)
{
	pue_alert_mib_values_clear(vs);
	free(vs);
}

/* Payload: u32 count, then per value: u8 arcs, u32 arcs[], u8 type, and
 * an i64 number or a u16 length and the octets. */
static void
put_bytes(uint8_t **p, const void *src, size_t n)
{
	memcpy(*p, src, n);
	*p += n;
}

int
pue_alert_mib_values_encode(const struct pue_mib_values *vs, uint8_t **buf, size_t *len)
{
	size_t need = 4, i;
	uint32_t count = (uint32_t)vs->n;
	uint8_t *b, *p;

	for (i = 0; i < vs->n; i++)
		need += 1 + 4 * vs->v[i].oid_len + 1 +
			(vs->v[i].type == PUE_MIB_OCTETS ? 2 + vs->v[i].n_octets : 8);
	if (need > PUE_MIB_FRAME_MAX || (b = malloc(need)) == NULL)
		return -ENOMEM;
	p = b;
	put_bytes(&p, &count, 4);
	for (i = 0; i < vs->n; i++) {
		const struct pue_mib_value *v = &vs->v[i];
		uint8_t arcs = (uint8_t)v->oid_len, type = (uint8_t)v->type;

		put_bytes(&p, &arcs, 1);
		put_bytes(&p, v->oid, 4 * v->oid_len);
		put_bytes(&p, &type, 1);
		if (v->type == PUE_MIB_OCTETS) {
			uint16_t n = (uint16_t)v->n_octets;

			put_bytes(&p, &n, 2);
			if (n > 0)
				put_bytes(&p, v->octets, n);
		} else
			put_bytes(&p, &v->number, 8);
	}
	*buf = b;
	*len = need;
	return 0;
}

/* Takes n bytes from the payload, or fails when fewer are left. */
static bool
take(const uint8_t **p, const uint8_t *end, void *dst, size_t n)
{
	if ((size_t)(end - *p) < n)
		return false;
	memcpy(dst, *p, n);
	*p += n;
	return true;
}

int
pue_alert_mib_values_decode(const uint8_t *buf, size_t len, struct pue_mib_values *vs)
{
	const uint8_t *p = buf, *end = buf + len;
	uint32_t count, i, arcs[PUE_MIB_MAX_OID];
	uint8_t n_arcs, type;
	int64_t number;
	uint16_t n;

	memset(vs, 0, sizeof(*vs));
	if (!take(&p, end, &count, 4) || count > len / 11) /* 11: the smallest value */
		return -EPROTO;
	for (i = 0; i < count; i++) {
		if (!take(&p, end, &n_arcs, 1) || n_arcs == 0 || n_arcs > PUE_MIB_MAX_OID ||
		    !take(&p, end, arcs, 4u * n_arcs) || !take(&p, end, &type, 1))
			goto bad;
		if (type == PUE_MIB_OCTETS) {
			if (!take(&p, end, &n, 2) || n > 255 || (size_t)(end - p) < n ||
			    pue_alert_mib_add_octets(vs, arcs, n_arcs, NULL, 0, p, n) < 0)
				goto bad;
			p += n;
		} else if (type == PUE_MIB_INTEGER || type == PUE_MIB_COUNTER32 ||
			   type == PUE_MIB_GAUGE32) {
			if (!take(&p, end, &number, 8) ||
			    pue_alert_mib_add_number(vs, arcs, n_arcs, NULL, 0, type, number) < 0)
				goto bad;
		} else
			goto bad;
	}
	if (p != end)
		goto bad;
	return 0;
bad:
	pue_alert_mib_values_clear(vs);
	return -EPROTO;
}

void
pue_alert_mib_date_and_time(int64_t ms, uint8_t out[11])
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	int year;

	gmtime_r(&s, &tm);
	year = tm.tm_year + 1900;
	out[0] = (uint8_t)(year >> 8);
	out[1] = (uint8_t)(year & 0xff);
	out[2] = (uint8_t)(tm.tm_mon + 1);
	out[3] = (uint8_t)tm.tm_mday;
	out[4] = (uint8_t)tm.tm_hour;
	out[5] = (uint8_t)tm.tm_min;
	out[6] = (uint8_t)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	out[7] = (uint8_t)(ms % 1000 / 100); /* deci-seconds */
	out[8] = '+';			     /* UTC */
	out[9] = 0;
	out[10] = 0;
}

int64_t
pue_alert_mib_milli(double pue)
{
	if (!isfinite(pue) || fabs(pue) > 2e6)
		return 0;
	return pue_figure_milli(pue);
}
