/* SPDX-License-Identifier: MIT */
/* snmp_value.c - varbind types and lengths to numbers; see snmp_value.h. */
#include "poll/snmp_value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
pue_snmp_value_type_name(unsigned type, char *buf, size_t size)
{
	switch (type) {
	case ASN_INTEGER:
		return "INTEGER";
	case ASN_OCTET_STR:
		return "OCTET STRING";
	case ASN_NULL:
		return "NULL";
	case ASN_OBJECT_ID:
		return "OBJECT IDENTIFIER";
	case ASN_IPADDRESS:
		return "IpAddress";
	case ASN_COUNTER:
		return "Counter32";
	case ASN_GAUGE:
		return "Gauge32";
	case ASN_TIMETICKS:
		return "TimeTicks";
	case ASN_OPAQUE:
		return "Opaque";
	case ASN_COUNTER64:
		return "Counter64";
	case ASN_UINTEGER:
		return "UInteger32";
	case ASN_OPAQUE_FLOAT:
		return "Opaque float";
	case ASN_OPAQUE_DOUBLE:
		return "Opaque double";
	case ASN_OPAQUE_I64:
		return "Opaque Integer64";
	case ASN_OPAQUE_U64:
		return "Opaque Unsigned64";
	case ASN_OPAQUE_COUNTER64:
		return "Opaque Counter64";
	case SNMP_NOSUCHOBJECT:
		return "noSuchObject";
	case SNMP_NOSUCHINSTANCE:
		return "noSuchInstance";
	case SNMP_ENDOFMIBVIEW:
		return "endOfMibView";
	default:
		snprintf(buf, size, "type 0x%02x", type & 0xffu);
		return buf;
	}
}

/* net-snmp keeps the two halves of a 64-bit number in unsigned longs; on
 * LP64 a broken parser could leave bits above 32 set, so both are checked. */
static int
counter64_bits(const netsnmp_variable_list *vb, uint64_t *out, struct pue_err *err)
{
	const struct counter64 *c = vb->val.counter64;

	if (c == NULL || vb->val_len != sizeof(*c))
		return pue_err_set(err, PUE_E_PROTO, "64-bit value of %zu bytes, expected %zu",
				   vb->val_len, sizeof(*c));
	if (c->high > UINT32_MAX || c->low > UINT32_MAX)
		return pue_err_set(err, PUE_E_PROTO, "64-bit value with halves out of range");
	*out = ((uint64_t)c->high << 32) | (uint64_t)c->low;
	return 0;
}

static int
exception(unsigned type, struct pue_err *err)
{
	switch (type) {
	case SNMP_NOSUCHOBJECT:
		return pue_err_set(err, PUE_E_DEVICE,
				   "noSuchObject (the agent does not implement this object)");
	case SNMP_NOSUCHINSTANCE:
		return pue_err_set(err, PUE_E_DEVICE,
				   "noSuchInstance (the object exists, this instance does not)");
	default:
		return pue_err_set(err, PUE_E_DEVICE,
				   "endOfMibView (nothing at or after this OID)");
	}
}

int
pue_snmp_value_raw(const netsnmp_variable_list *vb, struct pue_raw *out, struct pue_err *err)
{
	unsigned type = vb->type;
	struct pue_raw r = {0};
	char tbuf[16];
	uint64_t bits;
	int rc;

	switch (type) {
	case ASN_INTEGER:
		if (vb->val.integer == NULL || vb->val_len != sizeof(long))
			return pue_err_set(err, PUE_E_PROTO, "INTEGER of %zu bytes", vb->val_len);
		/* Integer32 is -2^31..2^31-1 (RFC 2578, 7.1.1); net-snmp
		 * parses up to a long, so anything beyond came off the wire
		 * wrong. */
		if (*vb->val.integer < INT32_MIN || *vb->val.integer > INT32_MAX)
			return pue_err_set(err, PUE_E_PROTO, "INTEGER %ld outside Integer32",
					   *vb->val.integer);
		r.value = (double)*vb->val.integer;
		r.count = (uint64_t)(int64_t)*vb->val.integer;
		r.has_count = true;
		break;
	case ASN_COUNTER:
	case ASN_GAUGE: /* also Unsigned32: the same tag, RFC 2578, 7.1.11 */
	case ASN_UINTEGER:
		if (vb->val.integer == NULL || vb->val_len != sizeof(unsigned long))
			return pue_err_set(err, PUE_E_PROTO, "%s of %zu bytes",
					   pue_snmp_value_type_name(type, tbuf, sizeof(tbuf)),
					   vb->val_len);
		if ((unsigned long)*vb->val.integer > UINT32_MAX)
			return pue_err_set(err, PUE_E_PROTO, "%s %lu above 2^32-1",
					   pue_snmp_value_type_name(type, tbuf, sizeof(tbuf)),
					   (unsigned long)*vb->val.integer);
		r.count = (unsigned long)*vb->val.integer;
		r.value = (double)r.count;
		r.has_count = true;
		r.bits = 32; /* Counter32 wraps at 2^32 (RFC 2578, 7.1.6) */
		break;
	case ASN_COUNTER64:
	case ASN_OPAQUE_COUNTER64:
	case ASN_OPAQUE_U64:
		if ((rc = counter64_bits(vb, &bits, err)) < 0)
			return rc;
		r.count = bits;
		r.value = (double)bits;
		r.has_count = true;
		r.bits = 64; /* a 32-bit mask would take a reset for energy */
		break;
	case ASN_OPAQUE_I64:
		if ((rc = counter64_bits(vb, &bits, err)) < 0)
			return rc;
		r.count = bits;
		r.value = (double)(int64_t)bits;
		r.has_count = true;
		break;
	case ASN_OPAQUE_FLOAT:
		if (vb->val.floatVal == NULL || vb->val_len != sizeof(float))
			return pue_err_set(err, PUE_E_PROTO, "Opaque float of %zu bytes",
					   vb->val_len);
		r.value = *vb->val.floatVal;
		break;
	case ASN_OPAQUE_DOUBLE:
		if (vb->val.doubleVal == NULL || vb->val_len != sizeof(double))
			return pue_err_set(err, PUE_E_PROTO, "Opaque double of %zu bytes",
					   vb->val_len);
		r.value = *vb->val.doubleVal;
		break;
	case ASN_OCTET_STR:
		if (vb->val.string == NULL && vb->val_len > 0)
			return pue_err_set(err, PUE_E_PROTO, "OCTET STRING without data");
		if ((rc = pue_snmp_value_parse_string(vb->val.string, vb->val_len, &r, err)) < 0)
			return rc;
		break;
	case SNMP_NOSUCHOBJECT:
	case SNMP_NOSUCHINSTANCE:
	case SNMP_ENDOFMIBVIEW:
		return exception(type, err);
	case ASN_OPAQUE:
		/* net-snmp turns the opaque float/double/64-bit encodings into
		 * their own types while parsing; what is left is not a number. */
		return pue_err_set(err, PUE_E_DEVICE,
				   "Opaque of %zu bytes holds no float, double or 64-bit number",
				   vb->val_len);
	default:
		return pue_err_set(err, PUE_E_DEVICE, "%s is not a number pued can read",
				   pue_snmp_value_type_name(type, tbuf, sizeof(tbuf)));
	}
	if (!isfinite(r.value))
		return pue_err_set(err, PUE_E_RANGE, "%s value is %s",
				   pue_snmp_value_type_name(type, tbuf, sizeof(tbuf)),
				   isnan(r.value) ? "NaN" : "infinite");
	*out = r;
	return 0;
}

/* Shows the start of a string that is not a number, with anything
 * unprintable as '?', for the error message. */
static void
quote(const uint8_t *s, size_t len, char *buf, size_t size)
{
	size_t i, n = len < size - 4 ? len : size - 4;

	for (i = 0; i < n; i++)
		buf[i] = isprint(s[i]) && s[i] != '"' ? (char)s[i] : '?';
	if (n < len)
		memcpy(buf + n, "...", 4);
	else
		buf[n] = '\0';
}

int
pue_snmp_value_parse_string(const uint8_t *s, size_t len, struct pue_raw *out, struct pue_err *err)
{
	char text[PUE_SNMP_NUMBER_STRING_MAX + 1], shown[40], *end;
	size_t a = 0, b = len, i;
	bool digits = false, integer = true;

	while (b > 0 && s[b - 1] == '\0') /* C strings sent with their NUL */
		b--;
	while (a < b && s[a] == ' ')
		a++;
	while (b > a && s[b - 1] == ' ')
		b--;
	if (b - a > PUE_SNMP_NUMBER_STRING_MAX || b == a)
		goto bad;
	/* [+-]? digits [. digits]? ([eE] [+-]? digits)?, checked here so
	 * that strtod's extras (hex, inf, nan, locale) never apply. */
	i = a;
	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; i < b && isdigit(s[i]); i++)
		digits = true;
	if (i < b && s[i] == '.') {
		integer = false;
		for (i++; i < b && isdigit(s[i]); i++)
			digits = true;
	}
	if (!digits)
		goto bad;
	if (i < b && (s[i] == 'e' || s[i] == 'E')) {
		integer = false;
		i++;
		if (i < b && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == b || !isdigit(s[i]))
			goto bad;
		while (i < b && isdigit(s[i]))
			i++;
	}
	if (i != b)
		goto bad;
	memcpy(text, s + a, b - a);
	text[b - a] = '\0';
	out->has_count = false;
	out->count = 0;
	if (integer) {
		errno = 0;
		if (text[0] == '-') {
			long long v = strtoll(text, &end, 10);

			if (errno == 0 && *end == '\0') {
				out->count = (uint64_t)(int64_t)v;
				out->has_count = true;
			}
		} else {
			unsigned long long v = strtoull(text, &end, 10);

			if (errno == 0 && *end == '\0') {
				out->count = (uint64_t)v;
				out->has_count = true;
			}
		}
	}
	out->value = strtod(text, &end);
	if (*end != '\0' || !isfinite(out->value))
		goto bad;
	return 0;
bad:
	quote(s, len, shown, sizeof(shown));
	return pue_err_set(err, PUE_E_DEVICE, "OCTET STRING \"%s\" is not a decimal number", shown);
}

struct pue_raw
pue_snmp_value_sum_start(void)
{
	/* Nothing added yet: a count of 0, wrapping as widely as any row. */
	return (struct pue_raw){.has_count = true, .bits = 64};
}

void
pue_snmp_value_raw_add(struct pue_raw *sum, const struct pue_raw *row)
{
	sum->value += row->value;
	sum->count += row->count; /* modulo 2^64, see the header */
	/* Each row's wrap is a multiple of 2^bits for the narrowest: the sum
	 * differences exactly at that width. */
	if (row->bits < sum->bits)
		sum->bits = row->bits;
	sum->has_count = sum->has_count && row->has_count;
	if (!sum->has_count)
		sum->count = 0;
}

bool
pue_snmp_value_is_invalid(const struct pue_point_conf *p, const struct pue_raw *raw)
{
	size_t i;

	for (i = 0; i < p->n_invalid_values; i++)
		if (raw->value == p->invalid_values[i])
			return true;
	return false;
}

int
pue_snmp_value_oid_parse(const char *s, oid *out, size_t max, size_t *n)
{
	const char *q = s;
	size_t k = 0;

	if (*q == '.')
		q++;
	for (;;) {
		unsigned long long arc;
		char *end;

		if (!isdigit((unsigned char)*q))
			return -EINVAL;
		errno = 0;
		arc = strtoull(q, &end, 10);
		if (errno != 0 || arc > UINT32_MAX) /* RFC 2578, 7.1.3 */
			return -EINVAL;
		if (k == max)
			return -E2BIG;
		out[k++] = (oid)arc;
		q = end;
		if (*q == '\0')
			break;
		if (*q++ != '.')
			return -EINVAL;
	}
	if (k < 2 || out[0] > 2)
		return -EINVAL;
	*n = k;
	return 0;
}

void
pue_snmp_value_oid_format(const oid *o, size_t n, char *buf, size_t size)
{
	size_t off = 0, i;
	int w;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(buf + off, size - off, i ? ".%lu" : "%lu", (unsigned long)o[i]);
		if (w < 0 || (size_t)w >= size - off) {
			if (size >= 4)
				memcpy(buf + size - 4, "...", 4);
			return;
		}
		off += (size_t)w;
	}
}
