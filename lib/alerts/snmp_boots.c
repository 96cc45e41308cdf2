/* SPDX-License-Identifier: MIT */
/*
 * snmp_boots.c - pued's own SNMPv3 engine boots, in a file beside the
 * database; see snmp_boots.h.
 *
 * The file holds a comment line and the count in decimal. It is replaced,
 * never rewritten in place: a crash or a full disk leaves the old count or
 * the new one, never a torn or empty file that would read as 0.
 */
#include "alerts/snmp_boots.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A count file is a few dozen bytes; more is not ours. */
#define MAX_FILE_BYTES 512

int
pue_snmp_boots_path(const char *db_path, char *buf, size_t size)
{
	const char *slash = strrchr(db_path, '/');
	int n;

	if (slash == NULL)
		n = snprintf(buf, size, "%s", PUE_SNMP_BOOTS_FILE);
	else if (slash == db_path)
		n = snprintf(buf, size, "/%s", PUE_SNMP_BOOTS_FILE);
	else
		n = snprintf(buf, size, "%.*s/%s", (int)(slash - db_path), db_path,
			     PUE_SNMP_BOOTS_FILE);
	return n >= 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* The count in text: the first line that is not a comment, in decimal,
 * 0..PUE_SNMP_BOOTS_MAX. Returns it, or -1. */
static int64_t
parse_count(char *text)
{
	char *line, *save = NULL, *end;
	long long v;

	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (*line == '#' || *line == '\0')
			continue;
		if (*line < '0' || *line > '9')
			return -1;
		errno = 0;
		v = strtoll(line, &end, 10);
		end += strspn(end, " \t\r");
		if (errno != 0 || *end != '\0' || v > PUE_SNMP_BOOTS_MAX)
			return -1;
		return v;
	}
	return -1;
}

/* Reads the count at path into *count (0 when there is no file). */
static int
read_count(const char *path, int64_t *count, struct pue_err *err)
{
	char text[MAX_FILE_BYTES + 1];
	ssize_t n;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*count = 0;
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return pue_err_set(err, -errno, "%s: %s", path, strerror(errno));
	while (len < sizeof(text) - 1 && (n = read(fd, text + len, sizeof(text) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return pue_err_set(err, -e, "%s: %s", path, strerror(e));
		}
		len += (size_t)n;
	}
	close(fd);
	text[len] = '\0';
	if (len == sizeof(text) - 1 || (*count = parse_count(text)) < 0) {
		*count = 0;
		return pue_err_set(err, PUE_E_RANGE,
				   "%s holds no boot count (a number 0..%d); left as it is", path,
				   PUE_SNMP_BOOTS_MAX);
	}
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Syncs the directory of path, so that the rename itself survives a crash. */
static int
sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return -ENAMETOOLONG;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Replaces the file at path with count: a new file, synced, renamed over
 * the old one. */
static int
write_count(const char *path, uint32_t count, struct pue_err *err)
{
	char tmp[4096], text[256];
	int fd = -1, len, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return pue_err_set(err, -ENAMETOOLONG, "%s: name too long", path);
	len = snprintf(text, sizeof(text),
		       "# pued's SNMPv3 engine boots (RFC 3414), one more at each start.\n"
		       "# Never lower it: receivers would drop pued's v3 traps. See pued(8).\n"
		       "%" PRIu32 "\n",
		       count);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return pue_err_set(err, -errno, "%s: %s", tmp, strerror(errno));
	if ((rc = write_all(fd, text, (size_t)len)) == 0 && fsync(fd) < 0)
		rc = -errno;
	if (rc < 0) {
		pue_err_set(err, rc, "%s: %s", tmp, strerror(-rc));
		goto out;
	}
	rc = close(fd) < 0 ? -errno : 0;
	fd = -1;
	if (rc < 0) {
		pue_err_set(err, rc, "%s: %s", tmp, strerror(-rc));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		rc = pue_err_set(err, -errno, "%s: rename: %s", path, strerror(errno));
		goto out;
	}
	tmp[0] = '\0'; /* renamed: nothing to remove */
	if ((rc = sync_dir(path)) < 0)
		pue_err_set(err, rc, "%s: syncing its directory: %s", path, strerror(-rc));
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return rc;
}

int
pue_snmp_boots_count(const char *path, int64_t db_boots, uint32_t *boots, struct pue_err *err)
{
	int64_t kept, next;
	int rc = read_count(path, &kept, err);

	if (db_boots > kept)
		kept = db_boots;
	next = kept < PUE_SNMP_BOOTS_MAX ? kept + 1 : PUE_SNMP_BOOTS_MAX;
	*boots = (uint32_t)next;
	if (rc < 0)
		return rc; /* unreadable: keep it for whoever looks at it */
	if ((rc = write_count(path, *boots, err)) < 0)
		return rc;
	if (kept >= PUE_SNMP_BOOTS_MAX)
		return pue_err_set(err, PUE_E_RANGE,
				   "%s: the boot count is at its maximum %d (RFC 3414, 2.2.2): "
				   "receivers take no v3 trap from this engine ID any more",
				   path, PUE_SNMP_BOOTS_MAX);
	return 0;
}
