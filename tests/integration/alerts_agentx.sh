#!/bin/bash
# The AgentX subagent through a real snmpd master: snmpget and snmpwalk
# read the site, the current PUE of each window (no number while a window
# lacks coverage), the reporting year of PUE.md worked example 8 (IT
# 1000 kW; days 1-200 at 1.27, days 201-230 at 1.22, now the end of day
# 230: so far 1.2635, projected 1.2474, headroom +22,800 kWh, required
# 1.2270) and the device table with each device's health; the subagent
# reconnects by itself when the master restarts. The 230 days are in the
# database as pued would have stored them (hourly rollups); pued and the
# simulator run on a clock standing at the end of day 230, 60x real time.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

export TZ=UTC # the reporting year starts on 1 January, local time
Y0=1767225600000 # 2026-01-01T00:00:00Z
DAY=86400000
export PUED_TEST_CLOCK="$((Y0 + 230 * DAY)),$(($(date +%s%N) / 1000000)),60"
start_master master
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 5s/' "$T/pued.yaml"
cat >>"$T/pued.yaml" <<EOF
alerts:
  agentx: true
  agentx_socket: $MASTER_SOCKET
EOF

# pued creates the database; 230 days of hourly rollups go in while it is
# stopped.
start_pued "$T/pued.yaml"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
sqlite3 "$T/pued.db" "DELETE FROM minutes; DELETE FROM hours;
	WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i < 230 * 24 - 1)
	INSERT INTO hours(t, facility_kwh, it_kwh, covered_ms, category)
	SELECT $Y0 + i * 3600000, CASE WHEN i < 200 * 24 THEN 1270.0 ELSE 1220.0 END, 1000.0,
	       3600000, 1 FROM h;"
start_pued "$T/pued.yaml"
wait_for 10000 "the subagent connected" grep -q "agentx: serving PUED-MIB" "$T/pued.log"
site_answers() { mib_get PUED-MIB::pueSite.0 | grep -q 'Demo hall'; }
reads() { [ "$(mib_get "$1")" = "$2" ]; } # OID VALUE
wait_for 10000 "the site through snmpd" site_answers

# The reporting year, as PUE.md example 8 has it.
wait_for 10000 "the year computed" status_jq '.year.state == "ok"'
puectl status --json | jq -c .year
status_jq '.year | (.pue_ytd - 1.2635 | fabs) < 0.0006 and (.pue_projected - 1.2474 | fabs) < 0.0006
	and (.headroom_kwh - 22800 | fabs) < 150 and (.pue_required - 1.2270 | fabs) < 0.0006
	and .out_of_reach == false' >/dev/null || fail "year: $(puectl status --json | jq -c .year)"
puectl status | grep -E "year from 2026-01-01: PUE so far 1.26(3|4)., projected 1.247. \(under the ceiling 1.25" ||
	fail "year line: $(puectl status | grep year)"
year=$(mib_get PUED-MIB::pueYearState.0 PUED-MIB::pueYearToDateMilli.0 PUED-MIB::pueYearProjectedMilli.0 \
	PUED-MIB::pueYearRequiredMilli.0 PUED-MIB::pueYearOutOfReach.0 PUED-MIB::pueYearStart.0 | tr '\n' ' ')
note "year through snmpd: $year"
[ "$year" = "ok 1263 thousandths 1247 thousandths 1227 thousandths false 2026-01-01 " ] || fail "year: $year"
headroom=$(mib_get PUED-MIB::pueYearHeadroomKwh.0 | cut -d' ' -f1)
[ "$headroom" -gt 22650 ] && [ "$headroom" -lt 22950 ] || fail "pueYearHeadroomKwh $headroom"
budget=$(mib_get PUED-MIB::pueYearBudgetKwh.0 | cut -d' ' -f1)
[ "$budget" -gt 3970000 ] && [ "$budget" -lt 3981000 ] || fail "pueYearBudgetKwh $budget"

# The windows: no number while a window lacks coverage, then the PUE.
mib_walk PUED-MIB::pueWindowTable >"$T/windows.txt"
grep -q 'pueWindowName.1 = STRING: 15m' "$T/windows.txt" || fail "window table: $(cat "$T/windows.txt")"
if grep -q 'pueWindowState.1 = INTEGER: insufficientData' "$T/windows.txt"; then
	! grep -q 'pueWindowPueMilli.1 ' "$T/windows.txt" || fail "a number for a window without coverage"
	grep -q 'pueWindowPueText.1 = STRING: "*insufficient data' "$T/windows.txt" || fail "insufficient text"
fi
wait_for 60000 "the 15m window covered" status_jq '.windows[0].state == "ok"'
wait_for 10000 "its PUE through snmpd" reads PUED-MIB::pueWindowState.1 ok
pue=$(mib_get PUED-MIB::pueWindowPueMilli.1 | cut -d' ' -f1)
note "15m PUE through snmpd: $pue thousandths; status: $(puectl status --json | jq .windows[0].pue)"
[ "$pue" -ge 1198 ] && [ "$pue" -le 1202 ] || fail "pueWindowPueMilli.1 = $pue, want 1200"
[ "$(mib_get PUED-MIB::pueCeilingMilli.0)" = "1250 thousandths" ] || fail "pueCeilingMilli"

# The device table, and a device going down in it.
mib_walk PUED-MIB::pueDeviceTable >"$T/devices.txt"
[ "$(grep -c 'pueDeviceState.[0-9]* = INTEGER: up(2)' "$T/devices.txt")" -eq 5 ] ||
	fail "device table: $(cat "$T/devices.txt")"
grep -q 'pueDeviceName.2 = STRING: ups-a' "$T/devices.txt" || fail "device names"
[ "$(sim_cmd fault 5 noanswer)" = ok ] || fail "simulator command"
wait_for 30000 "crah-2 down through snmpd" reads PUED-MIB::pueDeviceState.5 down
mib_get PUED-MIB::pueDeviceLastError.5 | grep -q "no answer" || fail "last error: $(mib_get PUED-MIB::pueDeviceLastError.5)"
[ "$(mib_get PUED-MIB::pueActiveAlerts.0 | cut -d' ' -f1)" -ge 1 ] || fail "pueActiveAlerts"

# The master goes away and comes back: the subagent reconnects by itself.
stop_pid "$MASTER_PID" 10000 || true
hold_port udp "$MASTER_PORT" # for the master again, not for a test alongside
wait_for 20000 "pued to see the master gone" grep -q "agentx: no master agent" "$T/pued.log"
release_port "$HOLD_PID"
start_master master-again "$MASTER_PORT"
wait_for 30000 "the subagent back through the restarted master" site_answers
[ "$(grep -c "agentx: serving PUED-MIB" "$T/pued.log")" -ge 2 ] || fail "no second connection in the log"
puectl alerts --json | jq -e '.agentx.master == "connected" and .agentx.helper == "running"' >/dev/null ||
	fail "agentx state: $(puectl alerts --json | jq -c .agentx)"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
! pgrep -f "pued-agentx --fd 3 --prefix 1.3.6.1.4.1.8072.9999 --socket $MASTER_SOCKET" >/dev/null ||
	fail "the helper outlived pued"
