#!/bin/bash
# The control socket: mode 0660, read-only commands for anyone who can
# connect, state-changing ones only for root, pued's user or the admin
# group (SO_PEERCRED); malformed, oversized, wrong-version and half-sent
# requests get an error and the connection is closed, and pued goes on.
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"

[ "$(stat -c %a "$T/pued.sock")" = 660 ] || fail "socket mode $(stat -c %a "$T/pued.sock")"

ask() { printf '%s' "$1" | socat -t 10 - "UNIX-CONNECT:$T/pued.sock"; }
ask $'garbage\n' | grep -q '"ok":false,"error":"malformed request' || fail "malformed request"
ask $'{"v":2,"cmd":"status"}\n' | grep -q 'unsupported protocol version' || fail "version"
ask $'{"v":1}\n' | grep -q '"cmd\\" must be a string' || fail "missing cmd"
ask $'{"v":1,"cmd":"frobnicate"}\n' | grep -q 'unknown command' || fail "unknown command"
# Three requests in one packet: three replies, in order.
ask $'{"v":1,"cmd":"ping"}\n{"v":1,"cmd":"ping"}\n{"v":1,"cmd":"nope"}\n' >"$T/pipe"
[ "$(grep -c '"ok":true' "$T/pipe")" -eq 2 ] && [ "$(sed -n 3p "$T/pipe" | grep -c 'unknown command')" -eq 1 ] ||
	fail "pipelined requests: $(cat "$T/pipe")"
# 5000 bytes without a newline: an error, then the connection closes.
head -c 5000 /dev/zero | tr '\0' 'x' >"$T/big"
socat -t 10 - "UNIX-CONNECT:$T/pued.sock" <"$T/big" | grep -q 'longer than 4096 bytes' ||
	fail "oversized request"
# Half a request, then silence: answered with an error after 5 s, closed.
(printf '{"v":1,"cmd":"sta'; sleep 8) | socat -t 10 - "UNIX-CONNECT:$T/pued.sock" >"$T/half" &
half=$!
wait_for 9000 "the half-sent request to time out" grep -q 'request timed out' "$T/half"
kill "$half" 2>/dev/null || true
# Through all that, pued kept answering.
puectl ping | grep -q answering || fail "pued stopped answering"

# Peer credentials: let another user reach the socket, then ask as nobody.
chmod 755 "$T"
chmod 666 "$T/pued.sock"
# A copy nobody can run wherever the tree lives (a clone under /root is not).
install -m 755 "$BIN/puectl" "$T/puectl"
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
