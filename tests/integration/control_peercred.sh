#!/bin/bash
# The control socket's peer-credential checks (SO_PEERCRED): read-only
# commands for anyone who can connect, reload only for root, pued's user or
# the admin group. Runs as root and asks as nobody; skipped where nobody
# cannot reach the test directory (a chroot whose / is mode 0700).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root to ask as another user"
chmod 755 "$T"
install -m 755 "$BIN/puectl" "$T/puectl"
runuser -u nobody -- test -x "$T/puectl" ||
	skip "user nobody cannot reach $T (is / or /tmp closed to others?)"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"

# Peer credentials: let another user reach the socket, then ask as nobody.
chmod 666 "$T/pued.sock"
as_nobody() { runuser -u nobody -- "$T/puectl" -s "$T/pued.sock" "$@"; }
as_nobody status --json | jq -e '.site' >/dev/null || fail "read-only status refused to nobody"
if as_nobody reload >"$T/denied" 2>&1; then fail "nobody could reload"; fi
grep -q 'permission denied' "$T/denied" || fail "no permission message: $(cat "$T/denied")"
grep -q 'control: refused "reload" from uid' "$T/pued.log" || fail "refusal not logged"

# With admin_group set to nobody's group, the same request is allowed.
group=$(id -gn nobody)
printf 'control: {socket: %s, admin_group: %s}\n' "$T/pued.sock" "$group" >>"$T/pued.yaml"
sed -i '/^control:$/,/^  socket:/d' "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "test config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
puectl reload >/dev/null
wait_for 10000 "the admin group in force" grep -q 'reloaded' "$T/pued.log"
wait_for 5000 "socket back" test -S "$T/pued.sock"
chmod 666 "$T/pued.sock"
as_nobody reload | grep -q reloading || fail "admin group member refused"
