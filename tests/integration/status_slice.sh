#!/bin/bash
# The thin slice end to end: the simulator serves the demo hall over Modbus
# TCP, pued polls it, and `puectl status --json` matches the simulator's
# known answer (PUE 1.20); a profile change pushes the instantaneous PUE
# over the ceiling; SIGTERM leaves a clean database and no socket.
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"

wait_for 15000 "every device up" devices_jq '[.devices[].state] | all(. == "up")'
wait_for 20000 "instantaneous PUE 1.20 +-0.01" \
	status_jq '.instant.state == "ok" and (.instant.pue - 1.20 | fabs) <= 0.01'
puectl status --json >"$T/status.json"
note "instant: $(jq -c .instant "$T/status.json")"
jq -e '.instant.category == 1 and .category == 1' "$T/status.json" >/dev/null || fail "category"
jq -e '.ceiling == 1.25 and .warning == 1.22' "$T/status.json" >/dev/null || fail "ceiling"
jq -e '(.instant.facility_kw - 960 | fabs) < 10 and (.instant.it_kw - 800 | fabs) < 10' \
	"$T/status.json" >/dev/null || fail "instant powers"
# Windows need minutes of coverage: just started, they must not show a number.
jq -e '[.windows[] | select(.state == "insufficient_data" and .pue == null)] | length == 3' \
	"$T/status.json" >/dev/null || fail "windows should be insufficient_data without a PUE"
jq -e '.storage.state == "ok"' "$T/status.json" >/dev/null || fail "storage state"

# The human table says the same.
puectl status >"$T/status.txt"
grep -E '^  now +1\.(19|20|21)[0-9] +ok' "$T/status.txt" >/dev/null || { cat "$T/status.txt"; fail "human status"; }
grep -q 'insufficient data' "$T/status.txt" || fail "human status: windows"

# Push facility power up: 1100 / 800 = 1.375, over the 1.25 ceiling.
[ "$(sim_cmd set facility_kw 1100)" = ok ] || fail "simulator did not take the command"
wait_for 30000 "instantaneous PUE over the ceiling" \
	status_jq '.instant.state == "above_ceiling" and .instant.exceeds_ceiling and (.instant.pue - 1.375 | fabs) <= 0.01'

# puectl errors: unknown command (exit 2), no daemon (exit 1, names the socket).
set +e
"$BIN/puectl" -s "$T/pued.sock" frobnicate 2>/dev/null; rc=$?
"$BIN/puectl" -s "$T/nothing.sock" status 2>"$T/err.txt"; rc2=$?
set -e
[ $rc -eq 2 ] || fail "unknown puectl command exited $rc"
[ $rc2 -eq 1 ] && grep -q "$T/nothing.sock" "$T/err.txt" || fail "puectl without pued: $(cat "$T/err.txt")"

# SIGTERM: exit 0 within 2 s, socket gone, database intact and written
# (three polls of every point stored first: "now" follows the power
# points, so the checks above may take only a poll or two).
stored() { [ "$(sqlite3 "$T/pued.db" 'SELECT count(*) FROM samples')" -ge 30 ]; }
wait_for 20000 "three polls of every point stored" stored
start_ms=$(($(date +%s%N) / 1000000))
kill -TERM "$PUED_PID"
wait_for 2000 "pued to exit within 2 s of SIGTERM" bash -c "! kill -0 $PUED_PID 2>/dev/null"
rc=0; wait "$PUED_PID" || rc=$?
note "pued exited $rc after $(($(date +%s%N) / 1000000 - start_ms)) ms"
[ $rc -eq 0 ] || fail "pued exited $rc"
[ ! -e "$T/pued.sock" ] || fail "socket file left behind"
[ "$(sqlite3 "$T/pued.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
[ "$(sqlite3 "$T/pued.db" 'PRAGMA journal_mode')" = wal ] || fail "not in WAL mode"
n=$(sqlite3 "$T/pued.db" 'SELECT count(*) FROM samples')
note "$n samples stored"
[ "$n" -gt 20 ] || fail "only $n samples stored"
sqlite3 "$T/pued.db" "SELECT count(*) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device = 'incomer' AND p.name = 'power' AND abs(s.value - 960) < 0.01" |
	grep -qv '^0$' || fail "no incomer power sample of 960 kW stored"
