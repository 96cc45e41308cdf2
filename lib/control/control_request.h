/* SPDX-License-Identifier: MIT */
/*
 * control_request.h - the control protocol (README "Control protocol")
 * without the socket: a client's bytes into requests, who may send which
 * command (control_commands.h), and the reply to each. The server
 * (control.h) feeds it each client's bytes as they arrive; so does the
 * fuzzer (tests/fuzz/fuzz_control.c), which therefore tests the same code.
 * Main thread only.
 */
#ifndef PUE_CONTROL_REQUEST_H
#define PUE_CONTROL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <jansson.h>

#include "util/blob.h"
#include "config/config.h"
#include "control/control_commands.h"
#include "util/err.h"

#define PUE_CTL_VERSION 1
#define PUE_CTL_MAX_LINE 4096

/* True for the commands only an administrator may send. */
bool pue_control_request_is_admin_command(const char *cmd);

/* No admin group (control.admin_group unset, or no such group). */
#define PUE_CTL_NO_GROUP ((gid_t)-1)

/* True when the peer may send admin commands: root, the daemon's user, or
 * a process in the admin group admin_gid (PUE_CTL_NO_GROUP: none) by its
 * primary group or by one of the n supplementary groups the kernel gave
 * it (SO_PEERGROUPS), as the kernel judges its access to a file. No name
 * service is asked: the server runs this on its main loop, which a slow
 * directory would hold up with every poll behind it. */
bool pue_control_request_peer_is_admin(const struct ucred *peer, gid_t admin_gid,
				       const gid_t *groups, size_t n);

/* Answers one request. Returns the result object (the control module takes
 * the reference), or NULL with err set for an error reply. peer is the
 * client's SO_PEERCRED credentials. */
typedef json_t *(*pue_control_handler)(void *arg, const char *cmd, json_t *request,
				       const struct ucred *peer, struct pue_err *err);

/* The ready bytes of a command the registry marks ready
 * (control_commands.h: status, devices): the whole reply line, newline
 * included, as a new reference, or NULL to have the handler answer (when
 * they cannot be made). */
typedef struct pue_blob *(*pue_control_ready)(void *arg, enum pue_ctl_cmd cmd);

/* A client's bytes not answered yet: the next bytes go to buf + n, at most
 * sizeof(buf) - n of them, and n grows by what arrived. */
struct pue_ctl_input {
	char buf[PUE_CTL_MAX_LINE + 1];
	size_t n;
};

/* The first complete request in in: returns its length without the
 * newline and points *line at it (not NUL-terminated); -EAGAIN when no
 * request is complete yet; -EMSGSIZE when more than PUE_CTL_MAX_LINE bytes
 * came without a newline (the client gets an error and is dropped). */
ssize_t pue_control_request_input_line(const struct pue_ctl_input *in, const char **line);

/* Drops the request of len bytes returned by pue_control_request_input_line() and its
 * newline, once it is answered. */
void pue_control_request_input_consume(struct pue_ctl_input *in, size_t len);

/* The reply to one request (len bytes at line, without the newline) from
 * a client with credentials peer, an administrator when admin
 * (pue_control_request_peer_is_admin()): an error reply, {"v":1,"ok":false,
 * "error":...}, for a request that is not one JSON object (a NUL byte
 * included), a "v" other than 1, a "cmd" that is not a string, or an admin
 * command from a peer that is not an administrator (conf words why);
 * otherwise handler's answer. Returns a new reference, NULL only when out
 * of memory. */
json_t *pue_control_request_answer(const struct pue_control_conf *conf, const struct ucred *peer,
				   bool admin, const char *line, size_t len,
				   pue_control_handler handler, void *arg);

/* The reply line to one request (as pue_control_request_answer()), as the bytes
 * to send, newline included: for a well-formed request of version 1 whose
 * command the registry marks ready, ready(arg, cmd)'s bytes where ready
 * is not NULL and gives some; otherwise pue_control_request_answer()'s reply. The
 * line is parsed once. A new reference, NULL only when out of memory. */
struct pue_blob *pue_control_request_reply_line(const struct pue_control_conf *conf,
						const struct ucred *peer, bool admin,
						const char *line, size_t len,
						pue_control_handler handler,
						pue_control_ready ready, void *arg);

/* reply (taken) as one line of bytes: its compact JSON and a newline. A
 * new reference; NULL when reply is NULL or memory runs out. */
struct pue_blob *pue_control_request_reply_blob(json_t *reply);

/* An error reply, {"v":1,"ok":false,"error":msg}; bytes of msg outside
 * ASCII become '?' when msg is not valid UTF-8. A new reference, NULL
 * only when out of memory. */
json_t *pue_control_request_error_reply(const char *msg);

#endif
