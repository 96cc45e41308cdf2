/* SPDX-License-Identifier: MIT */
/*
 * metrics_format.c - which of the two exposition formats a scraper asked
 * for (metrics_format.h), from its Accept header. MHD has parsed the request;
 * this reads only the header's value, a list of media ranges.
 */
#include "web/metrics_format.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The q of one media range's parameters ("version=1.0.0;q=0.75"): 1
 * unless given; an unreadable q counts as 0. */
static double
quality(const char *params, size_t len)
{
	const char *p = params, *end = params + len;
	char num[16];
	size_t n;

	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			n = strcspn(p + 2, ";,");
			if (n == 0 || n >= sizeof(num) || p + 2 + n > end)
				return 0;
			memcpy(num, p + 2, n);
			num[n] = '\0';
			return strtod(num, NULL) > 0 ? strtod(num, NULL) : 0;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

static bool
is_type(const char *s, size_t len, const char *type)
{
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len == strlen(type) && strncasecmp(s, type, len) == 0;
}

enum pue_metrics_format
pue_metrics_format_negotiate(const char *accept)
{
	double om = 0, text = 0, q;
	size_t len, type_len;
	const char *p = accept;

	/* Accept (RFC 9110, 12.5.1): media ranges split by commas, each with
	 * ";"-parameters; the scraper's preference wins, a tie goes to
	 * OpenMetrics, q=0 refuses a type. */
	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		len = strcspn(p, ",");
		type_len = strcspn(p, ";,");
		q = quality(p + type_len, len - type_len);
		if (is_type(p, type_len, "application/openmetrics-text") && q > om)
			om = q;
		else if ((is_type(p, type_len, "text/plain") || is_type(p, type_len, "text/*") ||
			  is_type(p, type_len, "*/*")) &&
			 q > text)
			text = q;
		p += len;
	}
	return om > 0 && om >= text ? PUE_METRICS_OPENMETRICS : PUE_METRICS_TEXT;
}

const char *
pue_metrics_format_content_type(enum pue_metrics_format f)
{
	return f == PUE_METRICS_OPENMETRICS ? PUE_METRICS_OPENMETRICS_TYPE : PUE_METRICS_TEXT_TYPE;
}
