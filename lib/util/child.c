/* SPDX-License-Identifier: MIT */
/* child.c - starting a helper program; see child.h. */
#include "util/child.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

int
pue_child_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
		const struct pue_child_opts *opts)
{
	static const int dflt_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	size_t i;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dflt);
	for (i = 0; i < sizeof(dflt_signals) / sizeof(dflt_signals[0]); i++)
		sigaddset(&dflt, dflt_signals[i]);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	if (opts != NULL && opts->pass_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, opts->pass_fd, opts->pass_as);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	if (opts != NULL && opts->own_group) {
		posix_spawnattr_setpgroup(&attr, 0);
		flags |= POSIX_SPAWN_SETPGROUP;
	}
	posix_spawnattr_setflags(&attr, flags);
	rc = posix_spawn(pid, path, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}
