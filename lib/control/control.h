/* SPDX-License-Identifier: MIT */
/*
 * control.h - the UNIX control socket that puectl talks to.
 *
 * Line-delimited JSON, protocol version 1 (README "Control protocol"):
 * a request is one line {"v":1,"cmd":"status", ...}; the reply is one line
 * {"v":1,"ok":true,"result":{...}} or {"v":1,"ok":false,"error":"..."}.
 * The socket is non-blocking and close-on-exec, created 0660. A request
 * longer than PUE_CTL_MAX_LINE, one that is not JSON, one cut short by
 * the client shutting its side before the newline, or a client that
 * has not sent a whole request and read its reply PUE_CTL_IDLE_MS after
 * the request's first byte (or after connecting) gets an error (when it can
 * still be sent) and is dropped, with a log line; the daemon never waits
 * for a client. An idle connection is closed after PUE_CTL_HOLD_MS; at most
 * PUE_CTL_MAX_CLIENTS are open, the last PUE_CTL_ADMIN_SLOTS of them only
 * for root and the daemon's user ("too many clients" otherwise), and any
 * other user holds PUE_CTL_UID_SLOTS at most (its next connection closes
 * its oldest).
 *
 * Anyone who can open the socket (its owner and group, mode 0660) may read:
 * status, devices, alerts, ping. Commands that change state (reload, ack,
 * silence) are for root, the daemon's own user, or members of
 * control.admin_group, judged from the kernel's credentials and groups of
 * the peer (control_peer.h) at its connection and at each reload.
 * Main thread only.
 */
#ifndef PUE_CONTROL_H
#define PUE_CONTROL_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <jansson.h>

#include "config/config.h"
#include "control/control_request.h"
#include "util/err.h"
#include "util/loop.h"

/* Real time for one request, from its first byte (or the connection)
 * until its reply is sent; bytes trickling in do not extend it. */
#define PUE_CTL_IDLE_MS 5000
#define PUE_CTL_MAX_CLIENTS 64
/* The last slots are kept for root and the daemon's own user, so that
 * connections held open by others cannot lock out reload and ack. */
#define PUE_CTL_ADMIN_SLOTS 4
/* Connections one user other than root and the daemon's may hold: a
 * quarter of the rest, so one user's slow clients leave the others room. */
#define PUE_CTL_UID_SLOTS ((PUE_CTL_MAX_CLIENTS - PUE_CTL_ADMIN_SLOTS) / 4)
/* A connection with nothing pending is closed after this long (real
 * time): puectl connects per request, and a held connection only ties up
 * a slot. */
#define PUE_CTL_HOLD_MS 30000

struct pue_control; /* opaque */

/* Creates the socket at conf->socket (refusing when another daemon answers
 * there, removing a stale file otherwise) and serves it on loop. running
 * (may be NULL) is the server a reload replaces: when it listens at the
 * same path, the new server listens on that very socket (a duplicate
 * descriptor), so the file never goes away and connections made in
 * between wait in its backlog. All arguments are borrowed and must outlive
 * the result. */
struct pue_control *pue_control_new(const struct pue_control_conf *conf, struct pue_loop *loop,
				    const struct pue_clock *clock, pue_control_handler handler,
				    void *arg, const struct pue_control *running,
				    struct pue_err *err);

/* Arms the sweep of the clients' deadlines again when its timer could not
 * be armed (timer.h). Returns 1 while it still fails. NULL is accepted. */
size_t pue_control_rearm(struct pue_control *c);

/* Answers the commands the registry marks ready (status, devices) with
 * ready(arg, cmd)'s bytes where it gives some (arg: the handler's), and
 * the handler's answer where it gives none (control_request.h). NULL
 * turns it off. */
void pue_control_set_ready(struct pue_control *c, pue_control_ready ready);

/* The reload's swap: c takes old's clients (on c's loop, with c's handler)
 * and, at the same path, the duty to remove the socket file; old is left
 * with its listening descriptor only, for pue_control_free(). A socket at
 * another path stays old's and goes with it, after c's exists. */
void pue_control_take_over(struct pue_control *c, struct pue_control *old);

/* Closes every client and the socket, and removes the socket file unless
 * another server took it over. NULL is accepted. */
void pue_control_free(struct pue_control *c);

#endif
