#!/bin/bash
# SIGTERM while a worker is blocked in libmodbus: the meter has swallowed a
# request and pued waits up to its 30 s timeout for the answer. pued must
# still exit 0 within 2 s (it cuts the worker's socket short) and leave a
# clean database and no socket.
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i 's/    modbus: {/    timeout: 30s\n    modbus: {/' "$T/pued.yaml"
start_pued "$T/pued.yaml"
wait_for 15000 "every device up" status_jq '[.devices[].state] | all(. == "up")'

unit1() { sim_cmd stats 1 | jq -r .requests; }
sim_cmd fault 1 noanswer >/dev/null
n=$(unit1)
wait_for 10000 "a request to the silent meter" bash -c "[ \$(printf 'stats 1\n' |
	socat -t 2 - UNIX-CONNECT:$T/sim.sock | jq -r .requests) -gt $n ]"

start_ms=$(($(date +%s%N) / 1000000))
kill -TERM "$PUED_PID"
wait_for 2000 "pued to exit within 2 s of SIGTERM while a read hangs" \
	bash -c "! kill -0 $PUED_PID 2>/dev/null"
rc=0; wait "$PUED_PID" || rc=$?
note "pued exited $rc after $(($(date +%s%N) / 1000000 - start_ms)) ms"
[ $rc -eq 0 ] || fail "pued exited $rc"
[ ! -e "$T/pued.sock" ] || fail "socket left behind"
[ "$(sqlite3 "$T/pued.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
