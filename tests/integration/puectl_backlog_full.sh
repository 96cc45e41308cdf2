#!/bin/bash
# puectl keeps its 5 s deadline when pued does not accept connections at
# all: pued is stopped (SIGSTOP, as a wedged main loop would be) and its
# control socket's backlog is full, so a blocking connect() would wait
# until pued accepts again. `puectl check`, a Nagios plugin, must then
# say UNKNOWN and exit 3 within its deadline, and `puectl status` exit 1
# naming the socket, rather than hang until the monitoring system kills
# them. A second pued started meanwhile exits saying so. Once pued runs
# again it serves as before.
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

# A second pued on the same socket meanwhile (with a database of its own:
# the first one's would refuse it sooner, store_one_pued.sh): it says the
# socket is taken and exits, neither waiting for the wedged one nor taking
# its socket.
sed "s|path: $T/pued.db|path: $T/pued2.db|" "$T/pued.yaml" >"$T/pued2.yaml"
grep -q "path: $T/pued2.db" "$T/pued2.yaml" || fail "config edit"
rc=0
# (-k: pued blocks SIGTERM to read it from a signalfd, so one stuck in
# connect() never sees it)
timeout -k 5 60 "$BIN/pued" -f -c "$T/pued2.yaml" >"$T/pued2.log" 2>&1 || rc=$?
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "a second pued hung on the wedged one's socket"
[ "$rc" -ne 0 ] || fail "a second pued started beside a wedged one"
grep -q 'another pued is listening (but not accepting) there' "$T/pued2.log" ||
	fail "the second pued said: $(cat "$T/pued2.log")"
[ -S "$T/pued.sock" ] || fail "the wedged pued's socket is gone"
note "second pued: $(grep -m1 'another pued' "$T/pued2.log")"

kill -CONT "$PUED_PID"
stop_pid "$LAST_PID" 5000 || true # the holder
wait_for 20000 "pued to answer again" puectl ping
stop_clean "$PUED_PID"
