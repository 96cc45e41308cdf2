/* SPDX-License-Identifier: MIT */
/* http_auth.c - basic authentication with bcrypt; see http_auth.h. */
#include "http/http_auth.h"

#include <crypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct pue_http_auth {
	pthread_mutex_t lock;
	const struct pue_http_user *users;
	size_t n;
	char **accepted;	/* [user]: the password last accepted, or NULL */
	struct crypt_data work; /* crypt_r()'s 32 KiB, made once */
};

bool
pue_http_auth_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	/* Over the shorter length, every byte; only the lengths show. */
	for (i = 0; i < (la < lb ? la : lb); i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

struct pue_http_auth *
pue_http_auth_new(const struct pue_http_user *users, size_t n)
{
	struct pue_http_auth *a = calloc(1, sizeof(*a));

	if (a == NULL || (a->accepted = calloc(n, sizeof(*a->accepted))) == NULL) {
		free(a);
		return NULL;
	}
	pthread_mutex_init(&a->lock, NULL);
	a->users = users;
	a->n = n;
	return a;
}

static void
forget(char **p)
{
	if (*p != NULL)
		explicit_bzero(*p, strlen(*p));
	free(*p);
	*p = NULL;
}

void
pue_http_auth_free(struct pue_http_auth *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		forget(&a->accepted[i]);
	free(a->accepted);
	explicit_bzero(&a->work, sizeof(a->work));
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* bcrypt of password with hash's salt and cost, compared with hash. */
static bool
bcrypt_matches(struct pue_http_auth *a, const char *password, const char *hash)
{
	const char *out = crypt_r(password, hash, &a->work);
	bool ok = out != NULL && out[0] != '*' && pue_http_auth_same(out, hash);

	explicit_bzero(a->work.output, sizeof(a->work.output));
	return ok;
}

bool
pue_http_auth_check(struct pue_http_auth *a, const char *user, const char *password)
{
	size_t i, found = a->n;
	bool ok;

	if (user == NULL || password == NULL)
		return false;
	for (i = 0; i < a->n; i++) /* every name, not the first match */
		if (pue_http_auth_same(user, a->users[i].name))
			found = i;
	pthread_mutex_lock(&a->lock);
	if (found == a->n) {
		/* The same work as for a real user, then no. */
		bcrypt_matches(a, password, a->users[0].bcrypt_hash);
		ok = false;
	} else if (a->accepted[found] != NULL && pue_http_auth_same(password, a->accepted[found]))
		ok = true;
	else if ((ok = bcrypt_matches(a, password, a->users[found].bcrypt_hash))) {
		forget(&a->accepted[found]);
		a->accepted[found] = strdup(password); /* NULL: bcrypt again next time */
	}
	pthread_mutex_unlock(&a->lock);
	return ok;
}
