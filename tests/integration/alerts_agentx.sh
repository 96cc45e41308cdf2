#!/bin/bash
# The AgentX subagent through a real snmpd master: snmpget and snmpwalk
# read the site, the current PUE of each window (no number while a window
# lacks coverage), the reporting year of PUE.md worked example 8 (IT
# 1000 kW; days 1-200 at 1.27, days 201-230 at 1.22, now the end of day
# 230: so far 1.2635, projected 1.2474, headroom +22,800 kWh, budget
# 3,975,600 kWh, required 1.2270) and the device table with each device's
# health; the subagent reconnects by itself when the master restarts. The
# 230 days are in the database as pued would have stored them (hourly
# rollups); pued and the simulator run on the stepped test clock, standing
# at the end of day 230 until the test moves it, so the year is the
# example's to the kWh.
#
# When a value is seen: the AgentX values are published from the round's
# snapshot (lib/snapshot/snapshot_mib.c), the one status answers from, taken at the
# service's tick after the engine's tick and the alert round of that
# second: what the tick changes at second S (a window covered, an alert
# firing) is published at S, what a poll's answer changes after the tick
# at S+1; the helper and snmpd pass it on in real time (the test waits
# for it).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

export TZ=UTC # the reporting year starts on 1 January, local time
Y0=1767225600000 # 2026-01-01T00:00:00Z
DAY=86400000
step_clock $((Y0 + 230 * DAY))
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
sql "DELETE FROM minutes; DELETE FROM hours;
	WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i < 230 * 24 - 1)
	INSERT INTO hours(t, facility_kwh, it_kwh, covered_ms, category)
	SELECT $Y0 + i * 3600000, CASE WHEN i < 200 * 24 THEN 1270.0 ELSE 1220.0 END, 1000.0,
	       3600000, 1 FROM h;"
start_pued "$T/pued.yaml"
wait_for 10000 "the subagent connected" grep -q "agentx: serving PUED-MIB" "$T/pued.log"
site_answers() { mib_get PUED-MIB::pueSite.0 | grep -q 'Demo hall'; }
reads() { [ "$(mib_get "$1")" = "$2" ]; } # OID VALUE
advance 1s # the first round publishes
wait_for 10000 "the site through snmpd" site_answers

# The reporting year, as PUE.md example 8 has it: computed at the end of
# day 230 (and again each simulated minute).
wait_for 10000 "the year computed" status_jq '.year.state == "ok"'
puectl status --json | jq -c .year
status_jq '.year | .as_of == "2026-08-19T00:00:00.000Z" and .pue_ytd == 1.2635 and .pue_projected == 1.2474
	and .headroom_kwh == 22800 and .budget_kwh == 3975600 and .pue_required == 1.227
	and .out_of_reach == false' >/dev/null || fail "year: $(puectl status --json | jq -c .year)"
want="year from 2026-01-01: PUE so far 1.2635, projected 1.2474 (under the ceiling 1.25, headroom +22800 kWh),"
want="$want the rest of the year must average 1.2270 or less"
[ "$(puectl status | grep '^year')" = "$want" ] || fail "year line: $(puectl status | grep year)"
year=$(mib_get PUED-MIB::pueYearState.0 PUED-MIB::pueYearToDateMilli.0 PUED-MIB::pueYearProjectedMilli.0 \
	PUED-MIB::pueYearRequiredMilli.0 PUED-MIB::pueYearOutOfReach.0 PUED-MIB::pueYearStart.0 \
	PUED-MIB::pueYearHeadroomKwh.0 PUED-MIB::pueYearBudgetKwh.0 | tr '\n' ' ')
note "year through snmpd: $year"
[ "$year" = "ok 1263 thousandths 1247 thousandths 1227 thousandths false 2026-01-01 22800 kWh 3975600 kWh " ] ||
	fail "year: $year"

# The windows: no number while a window lacks coverage, then the PUE. The
# 15m window is covered from 00:15:01 (the tick after the poll at 00:15:00
# closes the minute 00:14), published in that round.
mib_walk PUED-MIB::pueWindowTable >"$T/windows.txt"
grep -q 'pueWindowName.1 = STRING: 15m' "$T/windows.txt" || fail "window table: $(cat "$T/windows.txt")"
grep -q 'pueWindowState.1 = INTEGER: insufficientData' "$T/windows.txt" || fail "15m window at the start: $(cat "$T/windows.txt")"
! grep -q 'pueWindowPueMilli.1 ' "$T/windows.txt" || fail "a number for a window without coverage"
grep -qxF 'PUED-MIB::pueWindowPueText.1 = STRING: insufficient data (coverage 0.0%)' "$T/windows.txt" ||
	fail "insufficient text: $(grep pueWindowPueText.1 "$T/windows.txt")"
# The alert window is 24h (the default): insufficient_data:24h went
# pending at the first round, 00:00:01, and fires at the first round its
# minimum duration (15m by default) later that sees a new minute: at
# 00:15:02 (the round at 00:15:01 runs before the tick that closes minute
# 00:14; alerts_first_start.sh).
alert_is() { # alert_is KEY STATE
	puectl alerts --json | jq -e --arg k "$1" --arg s "$2" '[.active[] | select(.alert == $k) | .state] == [$s]' \
		>/dev/null || fail "$1 is not $2: $(puectl alerts --json | jq -c .active)"
}
advance_to 00:15:00
alert_is insufficient_data:24h pending
[ "$(mib_get PUED-MIB::pueWindowState.1)" = insufficientData ] || fail "15m window published before its round"
advance_to 00:15:01
alert_is insufficient_data:24h pending
status_jq '.windows[0] | .window == "15m" and .state == "ok" and .pue == 1.2' >/dev/null ||
	fail "15m window at 00:15:01: $(puectl status --json | jq -c .windows[0])"
advance_to 00:15:02
alert_is insufficient_data:24h firing
wait_for 10000 "the 15m PUE through snmpd" reads PUED-MIB::pueWindowState.1 ok
[ "$(mib_get PUED-MIB::pueWindowPueMilli.1)" = "1200 thousandths" ] || fail "pueWindowPueMilli.1: $(mib_get PUED-MIB::pueWindowPueMilli.1)"
[ "$(mib_get PUED-MIB::pueWindowPueText.1)" = 1.200 ] || fail "pueWindowPueText.1: $(mib_get PUED-MIB::pueWindowPueText.1)"
[ "$(mib_get PUED-MIB::pueCeilingMilli.0)" = "1250 thousandths" ] || fail "pueCeilingMilli"

# The device table, and a device going down in it: crah-2 stops answering
# after the poll at 00:15:00; the polls at 00:15:05, :10 and :15 fail (each
# after its real timeouts), and three failed polls make it down
# (lib/poll/health.h, PUE_DOWN_AFTER), published at 00:15:16.
mib_walk PUED-MIB::pueDeviceTable >"$T/devices.txt"
[ "$(grep -c 'pueDeviceState.[0-9]* = INTEGER: up(2)' "$T/devices.txt")" -eq 5 ] ||
	fail "device table: $(cat "$T/devices.txt")"
grep -q 'pueDeviceName.2 = STRING: ups-a' "$T/devices.txt" || fail "device names"
[ "$(sim_cmd fault 5 noanswer)" = ok ] || fail "simulator command"
advance_to 00:15:14
dev_jq crah-2 '.state == "degraded" and .consecutive_failures == 2' >/dev/null ||
	fail "crah-2 after two failed polls: $(dev_jq crah-2 .)"
advance_to 00:15:15
dev_jq crah-2 '.state == "down" and .consecutive_failures == 3' >/dev/null ||
	fail "crah-2 after three failed polls: $(dev_jq crah-2 .)"
[ "$(mib_get PUED-MIB::pueDeviceState.5)" != down ] || fail "crah-2 down through snmpd before the round"
advance_to 00:15:16
wait_for 10000 "crah-2 down through snmpd" reads PUED-MIB::pueDeviceState.5 down
mib_get PUED-MIB::pueDeviceLastError.5 | grep -q "no answer" || fail "last error: $(mib_get PUED-MIB::pueDeviceLastError.5)"
# Firing now: device_down:crah-2 (no minimum duration) and
# insufficient_data:24h.
puectl alerts --json | jq -c '[.active[] | select(.state == "firing") | .alert]'
puectl alerts --json | jq -e '[.active[] | select(.state == "firing") | .alert] | sort ==
	["device_down:crah-2", "insufficient_data:24h"]' >/dev/null || fail "firing: $(puectl alerts --json | jq -c .active)"
[ "$(mib_get PUED-MIB::pueActiveAlerts.0)" = 2 ] || fail "pueActiveAlerts: $(mib_get PUED-MIB::pueActiveAlerts.0)"

# The master goes away and comes back: the subagent reconnects by itself.
stop_pid "$MASTER_PID" 10000 || true
hold_port udp "$MASTER_PORT" # for the master again, not for a test alongside
wait_for 20000 "pued to see the master gone" grep -q "agentx: lost the master agent" "$T/pued.log"
wait_for 20000 "the helper to say why it cannot connect" \
	grep -q "agentx: cannot connect to the master agent at $MASTER_SOCKET: " "$T/pued.log"
release_port "$HOLD_PID"
start_master master-again "$MASTER_PORT"
wait_for 30000 "the subagent back through the restarted master" site_answers
[ "$(grep -c "agentx: serving PUED-MIB" "$T/pued.log")" -ge 2 ] || fail "no second connection in the log"
puectl alerts --json | jq -e '.agentx.master == "connected" and .agentx.helper == "running"' >/dev/null ||
	fail "agentx state: $(puectl alerts --json | jq -c .agentx)"
stop_clean "$PUED_PID"
! pgrep -f "pued-agentx --fd 3 --prefix 1.3.6.1.4.1.8072.9999 --socket $MASTER_SOCKET" >/dev/null ||
	fail "the helper outlived pued"
