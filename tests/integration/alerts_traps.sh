#!/bin/bash
# Alerts reach a real snmptrapd: the simulator pushes the PUE over the
# ceiling and exactly one trap fires (v1, v2c and v3 authPriv, the v3 one
# decoded with PUED-MIB), at the second the rules give, with the varbinds
# PUE.md asks for; a restart of pued while it fires sends no duplicate; an
# INFORM sent while its receiver is down waits in the database and is
# delivered exactly once when the receiver comes up; the clearing sends
# exactly one more of each. On a fresh database the year says
# "insufficient data", never a number. pued and the simulator share the
# stepped test clock; polls are 5 s apart, the alert window is 15m and the
# minimum duration 1m.
#
# When a figure is seen: the poll at a minute's end is answered after that
# second's engine tick, so the tick one second later (M+1:01) closes
# minute M and status shows it; the alert round, once a second
# (lib/alerts/alerts.c, ROUND_MS) and run before the tick of the same second,
# sees it at M+1:02. A pending alert fires at the first round the minimum
# duration after it went pending: at exactly pending + 1:00. Deliveries
# (traps, informs, their retries) are real time: the test waits for them.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_snmptrapd noc
TRAP_PORT=$TRAPD_PORT
# The inform receiver is down until later: its port is held meanwhile.
hold_port udp
INFORM_PORT=$HELD_PORT INFORM_HOLD=$HOLD_PID
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 5s/' \
	-e 's/^  warning: 1.22/  warning: 1.22\n  alert_window: 15m\n  min_duration: 1m/' "$T/pued.yaml"
target() { # NAME TYPE SNMP-FLOW
	echo "    - {name: $1, type: $2, min_severity: critical, snmp: {host: 127.0.0.1, $3}}"
}
v3="user: $TRAP_V3_USER, security_level: authpriv, auth_protocol: sha256,"
v3="$v3 auth_passphrase: $TRAP_V3_AUTH, priv_protocol: aes, priv_passphrase: $TRAP_V3_PRIV"
cat >>"$T/pued.yaml" <<EOF
alerts:
  engine_id: "$TRAP_ENGINE_ID"
  targets:
$(target noc snmp_trap "port: $TRAP_PORT, version: 2c, community: $TRAP_COMMUNITY")
$(target noc-v1 snmp_trap "port: $TRAP_PORT, version: 1, community: $TRAP_COMMUNITY")
$(target noc-v3 snmp_trap "port: $TRAP_PORT, version: 3, $v3")
$(target noc-inform snmp_inform "port: $INFORM_PORT, version: 2c, community: $TRAP_COMMUNITY")
$(target noc-inform-v3 snmp_inform "port: $INFORM_PORT, version: 3, $v3")
EOF
chmod 600 "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
start_pued "$T/pued.yaml"

ceiling() { # the ceiling alert's state: pending or firing, else its last change, else ok
	puectl alerts --json | jq -r '[.active[] | select(.alert == "pue_ceiling:15m") | .state][0]
		// [.recent[] | select(.alert == "pue_ceiling:15m") | .state][0] // "ok"'
}
expect() { # expect TIME CEILING_STATE 15M_STATE 15M_PUE 15M_COVERAGE: at TIME (advanced to)
	advance_to "$1"
	local got
	got="$(ceiling) $(puectl status --json |
		jq -r '.windows[] | select(.window == "15m") | "\(.state) \(.pue) \(.coverage)"')"
	note "$1: ceiling alert, 15m window: $got"
	[ "$got" = "$2 $3 $4 $5" ] || fail "at $1: ceiling alert, 15m window: $got; want $2 $3 $4 $5"
}
history() { # history KEY STATE: how many such rows in alert_history
	sql "SELECT count(*) FROM alert_history WHERE key = '$1' AND state = '$2'"
}

# A fresh database: the year has no number, and says why. (The year is
# computed on a worker at start, then every simulated minute.)
wait_for 10000 "the year computed" status_jq '.year.state != "unknown"'
status_jq '.year.state == "insufficient_data" and .year.why == "no data yet" and .year.pue_projected == null' \
	>/dev/null || fail "year at its first instant: $(puectl status --json | jq -c .year)"

# The 15m window is covered at 00:15:01 (14 of 15 minutes a second before).
expect 00:15:00 ok insufficient_data null 0.9333
expect 00:15:01 ok ok 1.2 1
[ "$(notifications noc pueAlertFiring)" -eq 0 ] || fail "a critical notification before the ceiling was crossed"
status_jq '.year.state == "insufficient_data" and (.year.why | test("fewer than 30 days")) and .year.pue_projected == null' \
	>/dev/null || fail "year on a fresh database: $(puectl status --json | jq -c .year)"
puectl status | grep -q "insufficient data (fewer than 30 days of data)" || fail "year line in puectl status"

# Over the ceiling from 00:16: facility 1100 kW, IT 800 kW (1.375). Five
# minutes of it make the window (10 x 960 + 5 x 1100) / 15 / 800 = 1.2583,
# six make 1.270.
advance_to 00:16:00
[ "$(sim_cmd set facility_kw 1100)" = ok ] || fail "simulator command"
expect 00:21:01 ok above_ceiling 1.258 1
expect 00:21:02 pending above_ceiling 1.258 1
expect 00:22:01 pending above_ceiling 1.27 1
[ "$(notifications noc pueAlertFiring)" -eq 0 ] || fail "a ceiling notification while pending"
expect 00:22:02 firing above_ceiling 1.27 1
firing='pueAlertFiring.*pueAlertRule.0 = STRING: pue_ceiling'
wait_for 30000 "a v2c ceiling trap" at_least 1 noc 'SNMP v2c' "$firing"
wait_for 10000 "a v3 authPriv ceiling trap, decoded" at_least 1 noc "SNMP v3, user $TRAP_V3_USER" "$firing"
wait_for 10000 "a v1 ceiling trap" at_least 1 noc 'SNMP v1' "$firing"
note "trap: $(grep -E "SNMP v2c.*$firing" "$T/noc-traps.log" | head -n1)"
number=$(puectl alerts --json | jq -r '.active[] | select(.alert == "pue_ceiling:15m") | .number')
[ -n "$number" ] || fail "pue_ceiling not active: $(puectl alerts --json | jq -c .active)"
# sent TIME PUE_MILLI COVERAGE MESSAGE: every varbind of the ceiling
# alert's notification made at TIME with the window at PUE_MILLI and
# COVERAGE (hundredths of a percent): what PUE.md asks for (site, window,
# PUE as text and x1000, ceiling, coverage, category, time) and the rest.
sent() {
	printf '%s\n' "pueAlertNumber: $number" "pueAlertRule: pue_ceiling" "pueAlertSeverity: critical(3)" \
		"pueAlertSubject: 15m" "pueSite: Demo hall (simulated)" "pueAlertWindow: 15m" \
		"pueAlertPueMilli: $2 thousandths" "pueAlertPueText: ${2:0:1}.${2:1}" \
		"pueCeilingMilli: 1250 thousandths" "pueAlertCoverage: $3 hundredths of a percent" \
		"pueAlertCategory: 1" "pueAlertDevice:" "pueAlertErrorText:" "pueYearState: insufficientData(2)" \
		"pueYearProjectedMilli: 0 thousandths" "pueYearHeadroomKwh: 0 kWh" "pueAlertTime: $1" \
		"pueAlertMessage: $4"
}
sent 2026-1-1,0:22:2.0,+0:0 1270 10000 "15m PUE 1.270 above the ceiling 1.25 (category 1, coverage 100.0%)" \
	>"$T/firing.want"
for v in 'SNMP v2c' "SNMP v3, user $TRAP_V3_USER" 'SNMP v1'; do
	varbinds noc "$v.*$firing" | diff "$T/firing.want" - >&2 || fail "$v firing: varbinds differ"
done
# The informs wait in the database (written with the alert's state, in
# the round's transaction) while their receiver is down.
[ "$(sql 'SELECT target FROM inform_queue ORDER BY target' | tr '\n' ' ')" = "noc-inform noc-inform-v3 " ] ||
	fail "inform queue: $(sql 'SELECT * FROM inform_queue')"
inform_waits() {
	puectl alerts --json | jq -e '.targets[] | select(.name == "noc-inform") |
		.queued == 1 and .sent == 0 and (.last_error // "" | test("no acknowledgement"))'
}
wait_for 10000 "the inform target to report its receiver silent" inform_waits

# Restart while the alert fires: stopped two seconds after the poll at
# 00:22:00, pued is down three and starts at 00:22:05, on its old poll
# phase. The alert stays firing, and nothing is sent again. The minute in
# progress is written at the stop and the counters' interval from the last
# poll before it to the first after bridges the downtime (PUE.md,
# "Restarts and clock steps"): the window stays whole.
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
advance_down 3s
start_pued "$T/pued.yaml"
expect 00:24:01 firing above_ceiling 1.293 1
puectl alerts --json | jq -e --argjson n "$number" '.active[] | select(.alert == "pue_ceiling:15m") | .state == "firing" and .number == $n' \
	>/dev/null || fail "the firing alert was lost or renumbered by the restart"
for v in 'SNMP v2c' 'SNMP v1' "SNMP v3"; do
	[ "$(notifications noc "$v" 'pueAlertRule.0 = STRING: pue_ceiling')" -eq 1 ] || fail "$v: a second ceiling notification after the restart"
done
[ "$(history pue_ceiling:15m firing)" -eq 1 ] ||
	fail "history: $(sql "SELECT * FROM alert_history WHERE key = 'pue_ceiling:15m'")"

# The receiver comes up: the queued informs arrive, once (pued tries
# again on a real-time back-off).
release_port "$INFORM_HOLD"
start_snmptrapd inform "$INFORM_PORT"
wait_for 60000 "the queued inform delivered" at_least 1 inform 'INFORM, SNMP v2c' "$firing"
wait_for 60000 "the queued v3 inform delivered" at_least 1 inform "INFORM, SNMP v3, user $TRAP_V3_USER" "$firing"
wait_for 10000 "the inform queue empty" bash -c "[ \$(sqlite3 '$T/pued.db' 'SELECT count(*) FROM inform_queue') -eq 0 ]"
puectl alerts --json | jq -e '[.targets[] | select(.name | startswith("noc-inform")) | .queued == 0 and .sent == 1] == [true, true]' \
	>/dev/null || fail "inform targets after delivery: $(puectl alerts --json | jq -c '.targets')"
for v in 'SNMP v2c' 'SNMP v3'; do
	[ "$(notifications inform "$v" "$firing")" -eq 1 ] || fail "$v: the inform was delivered $(notifications inform "$v" "$firing") times"
	varbinds inform "$v.*$firing" | diff "$T/firing.want" - >&2 || fail "$v firing inform: varbinds differ"
done

# Back to 960 kW from 00:25: minutes 00:16-00:24 were at 1100 kW, and the
# window is at or below 1.24 once only three of them are left in it:
# minutes 00:22-00:36, (3 x 1100 + 12 x 960) / 15 / 800 = 1.235, at 00:37:02.
advance_to 00:25:00
[ "$(sim_cmd set facility_kw 960)" = ok ] || fail "simulator command"
expect 00:36:02 firing warning 1.247 1
expect 00:37:01 firing warning 1.235 1
expect 00:37:02 resolved warning 1.235 1
resolved='pueAlertResolved.*pueAlertRule.0 = STRING: pue_ceiling'
wait_for 30000 "the v2c resolution" at_least 1 noc 'SNMP v2c' "$resolved"
wait_for 10000 "the v3 resolution" at_least 1 noc 'SNMP v3' "$resolved"
wait_for 10000 "the v1 resolution" at_least 1 noc 'SNMP v1' "$resolved"
wait_for 30000 "the resolution inform" at_least 1 inform 'INFORM, SNMP v2c' "$resolved"
wait_for 30000 "the v3 resolution inform" at_least 1 inform "INFORM, SNMP v3" "$resolved"
# The same number; the window's figure and coverage at 00:37:02.
sent 2026-1-1,0:37:2.0,+0:0 1235 10000 \
	"15m PUE 1.235, at or below 1.24 (the ceiling 1.25 less the hysteresis 0.01)" >"$T/resolved.want"
for spec in "noc|SNMP v2c" "noc|SNMP v1" "noc|SNMP v3" "inform|INFORM, SNMP v2c" "inform|INFORM, SNMP v3"; do
	varbinds "${spec%%|*}" "${spec#*|}.*$resolved" | diff "$T/resolved.want" - >&2 ||
		fail "${spec#*|} resolution: varbinds differ"
done
# Two more simulated minutes: nothing more is sent.
advance 2m
[ "$(history pue_ceiling:15m resolved)" -eq 1 ] || fail "resolutions: $(history pue_ceiling:15m resolved)"
for spec in "noc|SNMP v2c" "noc|SNMP v1" "noc|SNMP v3" "inform|INFORM, SNMP v2c" "inform|INFORM, SNMP v3"; do
	name=${spec%%|*} v=${spec#*|}
	f=$(notifications "$name" "$v" "$firing") r=$(notifications "$name" "$v" "$resolved")
	note "$v: $f firing, $r resolved"
	[ "$f" -eq 1 ] && [ "$r" -eq 1 ] || fail "$v: $f firing and $r resolved notifications, want 1 and 1"
done
puectl alerts
stop_clean "$PUED_PID" "$SIM_PID"
