/* SPDX-License-Identifier: MIT */
/*
 * child.h - starting a helper program the way a shell would start it.
 *
 * pued blocks SIGTERM, SIGINT and SIGHUP for its signalfd and ignores
 * SIGPIPE; a program it starts gets them back at their defaults and
 * unblocked (SIGCHLD too, whatever pued's parent left it at), and reads
 * /dev/null as its standard input.
 * Shared by the alert hooks (alert_sink_exec.c) and the AgentX helper
 * (agentx.c), so that both start their children alike. Any thread.
 */
#ifndef PUE_CHILD_H
#define PUE_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

struct pue_child_opts {
	int pass_fd;	/* >= 0: handed to the child as descriptor pass_as */
	int pass_as;	/* (dup2 clears close-on-exec on the copy only) */
	bool own_group; /* the child leads a process group of its own */
};

/* Starts path with argv and envp (both NULL-terminated, borrowed), filling
 * *pid. opts may be NULL: nothing passed, the same process group.
 * Returns 0, or posix_spawn()'s error number (positive). */
int pue_child_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
		    const struct pue_child_opts *opts);

#endif
