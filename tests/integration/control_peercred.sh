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
grep -qF '"reload" needs root or the daemon'"'"'s user (control.admin_group is not set)' "$T/denied" ||
	fail "the refusal does not say admin_group is unset: $(cat "$T/denied")"
grep -q 'control: refused "reload" from uid' "$T/pued.log" || fail "refusal not logged"

# Connections held open by others cannot lock root out: 60 idle ones from
# nobody fill what is open to it (64 slots, the last 4 for root and pued's
# user), root still gets answered, and idle connections are closed after
# 30 s, after which nobody gets answered again.
sockets() { find "/proc/$PUED_PID/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
hold60() { # 60 idle connections as nobody, accepted by pued
	local base i
	base=$(sockets)
	for i in $(seq 60); do
		runuser -u nobody -- socat -u "UNIX-CONNECT:$T/pued.sock" - >>"$T/holders.log" 2>&1 &
		holders="${holders:-} $!"
	done
	wait_for 20000 "pued to accept 60 connections (had $base sockets)" \
		bash -c "[ \$(find /proc/$PUED_PID/fd -lname 'socket:*' | wc -l) -ge $((base + 60)) ]"
}
nobody_busy() { local out; out=$(as_nobody ping 2>&1) && return 1; [[ $out == *"too many clients"* ]]; }
hold60
wait_for 5000 "nobody's slots taken" nobody_busy
puectl ping | grep -q answering || fail "root was locked out by nobody's idle connections"
puectl reload | grep -q reloading || fail "root could not reload with the slots taken"
wait_for 10000 "the reload done" grep -q 'reloaded' "$T/pued.log"
wait_for 5000 "socket back" test -S "$T/pued.sock"
chmod 666 "$T/pued.sock" # a reload made it anew, 0660
# The reload closed every connection; hold 60 again, then let them idle out.
hold60
wait_for 5000 "nobody's slots taken again" nobody_busy
nobody_answered() { as_nobody ping 2>/dev/null | grep -q answering; }
wait_for 45000 "idle connections closed" nobody_answered
holders_gone() { for p in $holders; do ! kill -0 "$p" 2>/dev/null || return 1; done; }
wait_for 30000 "the held connections ended" holders_gone # 60 runuser + socat

# With admin_group set to nobody's group, the same request is allowed.
group=$(id -gn nobody)
printf 'control: {socket: %s, admin_group: %s}\n' "$T/pued.sock" "$group" >>"$T/pued.yaml"
sed -i '/^control:$/,/^  socket:/d' "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "test config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
puectl reload >/dev/null
reloads() { [ "$(grep -c 'pued: reloaded' "$T/pued.log")" -ge "$1" ]; }
wait_for 10000 "the admin group in force" reloads 2
wait_for 5000 "socket back" test -S "$T/pued.sock"
chmod 666 "$T/pued.sock"
as_nobody reload | grep -q reloading || fail "admin group member refused"
