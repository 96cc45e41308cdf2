/* SPDX-License-Identifier: MIT */
/* config_canon.c - the canonical string of a point's definition; see
 * config_canon.h. */
#include "config/config_canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string as length:bytes, so that no value can pass for a separator;
 * "-" for none. */
static void
put_str(FILE *f, const char *key, const char *s)
{
	if (s == NULL)
		fprintf(f, "%s=-;", key);
	else
		fprintf(f, "%s=%zu:%s;", key, strlen(s), s);
}

/* %a writes a double exactly: equal strings, equal values. */
static void
put_double(FILE *f, const char *key, double v)
{
	fprintf(f, "%s=%a;", key, v);
}

/* The meter the point is read from. */
static void
put_meter(FILE *f, const struct pue_device_conf *d)
{
	fprintf(f, "protocol=%d;", (int)d->protocol);
	put_str(f, "host", d->protocol == PUE_PROTO_SNMP ? d->snmp.host : d->modbus.host);
	put_str(f, "serial", d->modbus.serial_device);
	fprintf(f, "modbus.port=%u;unit_id=%u;snmp.port=%u;", (unsigned)d->modbus.port,
		(unsigned)d->modbus.unit_id, (unsigned)d->snmp.port);
}

/* Every field of struct pue_point_conf but name, line and column, in the
 * order the struct declares them. */
static void
put_point(FILE *f, const struct pue_point_conf *p)
{
	size_t i;

	fprintf(f, "kind=%d;unit=%d;", (int)p->num.kind, (int)p->num.unit);
	put_double(f, "scale", p->num.scale);
	put_double(f, "offset", p->num.offset);
	fprintf(f, "counter_bits=%u;", p->num.counter_bits);
	put_double(f, "max_power_kw", p->num.max_power_kw);
	fprintf(f, "max_gap_ms=%lld;measured_at=%d;", (long long)p->num.max_gap_ms,
		(int)p->num.measured_at);
	fprintf(f, "register=%u;function=%d;type=%d;word_order=%d;", (unsigned)p->address,
		(int)p->function, (int)p->type, (int)p->word_order);
	fprintf(f, "has_scale_register=%d;scale_register=%u;", p->has_scale_register,
		(unsigned)p->scale_register);
	put_str(f, "oid", p->oid);
	fprintf(f, "sum_column=%d;invalid_values=%zu:", p->sum_column, p->n_invalid_values);
	for (i = 0; i < p->n_invalid_values; i++)
		fprintf(f, "%a,", p->invalid_values[i]);
	fputc(';', f);
}

char *
pue_config_canon_point(const struct pue_device_conf *d, const struct pue_point_conf *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	put_meter(f, d);
	put_point(f, p);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
