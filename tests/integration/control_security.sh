#!/bin/bash
# The control socket: mode 0660; malformed, oversized, wrong-version,
# pipelined, half-sent and unterminated requests get an error (or their replies in
# order) and the connection is closed, and pued goes on. Peer credentials
# are control_peercred.sh.
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
# A request cut by the end of the stream (the client wrote no newline and
# shut its side): an error reply at once, not a silent close.
ask '{"v":1,"cmd":"ping"}' >"$T/eof"
grep -q '"ok":false,"error":"request not ended by a newline' "$T/eof" ||
	fail "a request ended by EOF got: $(cat "$T/eof")"
# Half a request, then silence: answered with an error after 5 s, closed.
(printf '{"v":1,"cmd":"sta'; sleep 8) | socat -t 10 - "UNIX-CONNECT:$T/pued.sock" >"$T/half" &
half=$!
wait_for 9000 "the half-sent request to time out" grep -q 'request timed out' "$T/half"
kill "$half" 2>/dev/null || true
# Through all that, pued kept answering.
puectl ping | grep -q answering || fail "pued stopped answering"

