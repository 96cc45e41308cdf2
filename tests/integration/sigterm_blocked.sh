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
wait_for 15000 "every device up" devices_jq '[.devices[].state] | all(. == "up")'

# The count and the fault in one message, which the simulator acts on at
# once: a request counted after it is one the meter swallows (a count read
# after the fault could already hold the one swallowed, and the next would
# come only after pued's 30 s timeout).
unit1() { sim_cmd stats 1 | jq -r .requests; }
n=$(printf 'stats 1\nfault 1 noanswer\n' | socat -t 2 - "UNIX-CONNECT:$T/sim.sock" | sed -n 1p | jq -r .requests)
[[ $n =~ ^[0-9]+$ ]] || fail "simulator: no request count before the fault ($n)"
swallowed() { [ "$(unit1)" -gt "$n" ]; }
wait_for 10000 "a request to the silent meter" swallowed

start_ms=$(($(date +%s%N) / 1000000))
kill -TERM "$PUED_PID"
wait_for 2000 "pued to exit within 2 s of SIGTERM while a read hangs" \
	bash -c "! kill -0 $PUED_PID 2>/dev/null"
rc=0; wait "$PUED_PID" || rc=$?
note "pued exited $rc after $(($(date +%s%N) / 1000000 - start_ms)) ms"
[ $rc -eq 0 ] || fail "pued exited $rc"
[ ! -e "$T/pued.sock" ] || fail "socket left behind"
[ "$(sqlite3 "$T/pued.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
