/* SPDX-License-Identifier: MIT */
/*
 * control_peer.h - who a control client is, from what the kernel says of
 * its process, and whether it may send the commands that change state
 * (control_request.h, pue_control_request_peer_is_admin()). No name
 * service is asked for a client: this runs on the main loop, which a
 * directory that does not answer would hold up with every poll behind it.
 * Main thread only.
 */
#ifndef PUE_CONTROL_PEER_H
#define PUE_CONTROL_PEER_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "config/config.h"

/* control.admin_group's id (PUE_CTL_NO_GROUP when unset or not found,
 * which is logged), looked up once when a server starts (the start, each
 * reload), never for a request: a group made later counts from the next
 * reload. */
gid_t pue_control_peer_admin_gid(const struct pue_control_conf *conf);

/* Whether the client on fd, with credentials peer (SO_PEERCRED), may
 * change state under admin_gid: as root, the daemon's user, or by its
 * primary group or one of its supplementary groups (SO_PEERGROUPS), both
 * as they were when it connected. Where the kernel cannot give the
 * supplementary groups, the primary group alone counts (logged once). */
bool pue_control_peer_is_admin(int fd, const struct ucred *peer, gid_t admin_gid);

#endif
