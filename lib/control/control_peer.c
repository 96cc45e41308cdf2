/* SPDX-License-Identifier: MIT */
/* control_peer.c - a control client's rights; see control_peer.h. */
#include "control/control_peer.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "control/control_request.h"
#include "util/log.h"

gid_t
pue_control_peer_admin_gid(const struct pue_control_conf *conf)
{
	struct group *gr;

	if (conf->admin_group == NULL)
		return PUE_CTL_NO_GROUP;
	errno = 0;
	if ((gr = getgrnam(conf->admin_group)) != NULL)
		return gr->gr_gid;
	/* NULL with errno 0 (or ENOENT and kin) is no such group; else the
	 * group database could not be read (a directory not answering). */
	pue_log(LOG_WARNING,
		"control: admin_group %s: %s (admin commands need root or the daemon's user "
		"until a reload finds it)",
		conf->admin_group,
		errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM
			? "no such group"
			: strerror(errno));
	return PUE_CTL_NO_GROUP;
}

bool
pue_control_peer_is_admin(int fd, const struct ucred *peer, gid_t admin_gid)
{
	static bool told;
	gid_t some[64], *groups = some;
	socklen_t len = sizeof(some);
	bool admin;

	if (admin_gid == PUE_CTL_NO_GROUP || peer->gid == admin_gid)
		return pue_control_request_peer_is_admin(peer, admin_gid, NULL, 0);
	/* More groups than fit: the kernel says how many bytes they take. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, some, &len) < 0 &&
	    (errno != ERANGE || (groups = malloc(len)) == NULL ||
	     getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)) {
		if (!told)
			pue_log(LOG_WARNING,
				"control: cannot read a client's supplementary groups (%s): "
				"only its primary group counts for admin_group",
				groups == NULL ? "out of memory" : strerror(errno));
		told = true;
		len = 0;
	}
	admin = pue_control_request_peer_is_admin(peer, admin_gid, groups, len / sizeof(gid_t));
	if (groups != some)
		free(groups);
	return admin;
}
