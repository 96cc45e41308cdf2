/* SPDX-License-Identifier: MIT */
/*
 * meters_site.h - a configuration of n Modbus TCP meters alike, for the
 * tests that measure what a site costs per device (test_engine_memory.c,
 * test_health_memory.c). Header-only; needs cmocka.h included before it.
 */
#ifndef PUE_TEST_METERS_SITE_H
#define PUE_TEST_METERS_SITE_H

#include <stddef.h>

#include "config/config.h"
#include "util/buf.h"

/* Meters m0..m(n-1), each on its own port with the "points:" entries in
 * points (YAML lines indented for a device's list), and the pue: section
 * pue (its lines, indented under "pue:"). */
static inline struct pue_config *
meters_site(size_t n, const char *points, const char *pue)
{
	struct pue_buf b = {0};
	struct pue_config *cfg = NULL;
	struct pue_diags d = {0};
	size_t i;

	pue_buf_printf(&b, "site: campus\ndevices:\n");
	for (i = 0; i < n; i++)
		pue_buf_printf(&b,
			       "  - name: m%zu\n"
			       "    protocol: modbus_tcp\n"
			       "    modbus: {host: 127.0.0.1, port: %zu}\n"
			       "    points:\n%s",
			       i, 1024 + i, points);
	pue_buf_printf(&b, "pue:\n%s", pue);
	assert_false(b.failed);
	if (pue_config_load_buffer("memory.yaml", b.data, b.len, &cfg, &d) != 0)
		fail_msg("%s", d.n > 0 ? d.lines[0] : "load failed");
	pue_buf_free(&b);
	return cfg;
}

#endif
