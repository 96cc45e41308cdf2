/* SPDX-License-Identifier: MIT */
/* store_lock.c - one pued to a database; see store_lock.h. */
#include "store/store_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct pue_store_lock {
	struct pue_store_lock *next;
	dev_t dev; /* the lock file's, so two spellings of one path share it */
	ino_t ino;
	int fd;
	unsigned refs;
};

static struct pue_store_lock *held;

/* " (pid N)" from what the holder wrote into the file, or "". */
static void
holder(int fd, char *buf, size_t len)
{
	char text[24];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid;
	char *end;

	buf[0] = '\0';
	if (n <= 0)
		return;
	text[n] = '\0';
	pid = strtol(text, &end, 10);
	if (end != text && (*end == '\n' || *end == '\0') && pid > 0)
		snprintf(buf, len, " (pid %ld)", pid);
}

/* The lock file of the database at db_path: beside the file the path
 * resolves to, so that a symbolic link to the database (which SQLite
 * follows) names the same lock. The database may not be there yet: then
 * its directory is resolved. */
static bool
lock_path(const char *db_path, char *out, size_t len)
{
	char real[PATH_MAX], dir[PATH_MAX];
	const char *base = strrchr(db_path, '/');
	int n;

	if (realpath(db_path, real) != NULL)
		n = snprintf(out, len, "%s-lock", real);
	else if (base != NULL && (size_t)(base - db_path) < sizeof(dir)) {
		memcpy(dir, db_path, (size_t)(base - db_path));
		dir[base - db_path] = '\0';
		n = realpath(base == db_path ? "/" : dir, real) != NULL
			    ? snprintf(out, len, "%s/%s-lock", strcmp(real, "/") ? real : "",
				       base + 1)
			    : snprintf(out, len, "%s-lock", db_path);
	} else
		n = snprintf(out, len, "%s-lock", db_path);
	return n >= 0 && (size_t)n < len;
}

/* The lock this process holds on the file at path, if any. Looked up
 * before opening it: where flock(2) becomes a POSIX lock (NFS), closing a
 * second descriptor of the file would let go of the lock. */
static struct pue_store_lock *
held_lock(const char *path)
{
	struct pue_store_lock *l;
	struct stat sb;

	if (stat(path, &sb) < 0)
		return NULL;
	for (l = held; l != NULL; l = l->next)
		if (l->dev == sb.st_dev && l->ino == sb.st_ino)
			return l;
	return NULL;
}

struct pue_store_lock *
pue_store_lock_take(const char *db_path, struct pue_err *err)
{
	char path[PATH_MAX], who[32], pid[24];
	struct pue_store_lock *l;
	struct stat sb;
	int fd, n;

	if (!lock_path(db_path, path, sizeof(path))) {
		pue_err_set(err, -ENAMETOOLONG, "store: %s-lock: the path is too long", db_path);
		return NULL;
	}
	if ((l = held_lock(path)) != NULL) {
		l->refs++;
		return l;
	}
	/* A lock file this user may not write (made by root, say) still
	 * locks: flock(2) needs no write access. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0 && (errno == EACCES || errno == EROFS))
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		pue_err_set(err, -errno, "store: cannot make the lock file %s: %s", path,
			    strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			holder(fd, who, sizeof(who));
			pue_err_set(err, -EBUSY,
				    "store: %s is in use by another pued%s: it holds %s; one "
				    "database takes one pued",
				    db_path, who, path);
		} else
			pue_err_set(err, -errno, "store: cannot lock %s: %s", path,
				    strerror(errno));
		close(fd);
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		close(fd);
		pue_err_set(err, -ENOMEM, "store: out of memory");
		return NULL;
	}
	/* For the next one to name: best effort (a full disk keeps the
	 * lock, only not the pid). */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n) {
		/* the lock holds all the same */
	}
	*l = (struct pue_store_lock){held, sb.st_dev, sb.st_ino, fd, 1};
	held = l;
	return l;
}

void
pue_store_lock_drop(struct pue_store_lock *l)
{
	struct pue_store_lock **p;

	if (l == NULL || --l->refs > 0)
		return;
	for (p = &held; *p != NULL; p = &(*p)->next)
		if (*p == l) {
			*p = l->next;
			break;
		}
	close(l->fd); /* unlocks */
	free(l);
}
