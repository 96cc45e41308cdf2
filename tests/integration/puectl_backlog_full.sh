#!/bin/bash
# puectl keeps its 5 s deadline when pued does not accept connections at
# all: pued is stopped (SIGSTOP, as a wedged main loop would be) and its
# control socket's backlog is full, so a blocking connect() would wait
# until pued accepts again. `puectl check`, a Nagios plugin, must then
# say UNKNOWN and exit 3 within its deadline, and `puectl status` exit 1
# naming the socket, rather than hang until the monitoring system kills
# them. Once pued runs again it serves as before.
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
wait_for 10000 "pued to answer" puectl ping

kill -STOP "$PUED_PID"
# One process holds connections until the backlog refuses the next one.
start holder python3 -c '
import socket, sys, time
held = []
while len(held) < 1000:
    s = socket.socket(socket.AF_UNIX)
    s.setblocking(False)
    try:
        s.connect(sys.argv[1])
    except BlockingIOError:
        break
    held.append(s)
print("held", len(held), flush=True)
time.sleep(600)
' "$T/pued.sock"
wait_for 10000 "the backlog to fill" grep -q '^held' "$T/holder.log"
note "backlog full after $(sed -n 's/^held //p' "$T/holder.log") connections"

# The bound is far above puectl's own 5 s: only a hang reaches it.
rc=0
out=$(timeout 60 "$BIN/puectl" -s "$T/pued.sock" check) || rc=$?
[ "$rc" -ne 124 ] || fail "puectl check hung on a socket that accepts nothing"
[ "$rc" -eq 3 ] || fail "puectl check exited $rc: $out"
case $out in "PUE UNKNOWN - "*"$T/pued.sock"*) ;; *) fail "puectl check said: $out" ;; esac
note "check: $out"
rc=0
err=$(timeout 60 "$BIN/puectl" -s "$T/pued.sock" status 2>&1 >/dev/null) || rc=$?
[ "$rc" -eq 1 ] || fail "puectl status exited $rc: $err"
note "status: $err"

kill -CONT "$PUED_PID"
stop_pid "$LAST_PID" 5000 || true # the holder
wait_for 20000 "pued to answer again" puectl ping
stop_clean "$PUED_PID"
