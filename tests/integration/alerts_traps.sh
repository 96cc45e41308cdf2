#!/bin/bash
# Alerts reach a real snmptrapd: the simulator pushes the PUE over the
# ceiling and exactly one trap fires (v1, v2c and v3 authPriv, the v3 one
# decoded with PUED-MIB), with the varbinds PUE.md asks for; a restart of
# pued while it fires sends no duplicate; an INFORM sent while its receiver
# is down waits in the database and is delivered exactly once when the
# receiver comes up; the clearing sends exactly one more of each. On a
# fresh database the year says "insufficient data", never a number.
# pued and the simulator share a scaled clock (60x): the 15m alert window
# fills in 15 s, the 1m minimum duration passes in one.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

export PUED_TEST_CLOCK="1767225600000,$(($(date +%s%N) / 1000000)),60"
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

# A fresh database: the year has no number, and says why.
wait_for 10000 "the year computed" status_jq '.year.state != "unknown"'
status_jq '.year.state == "insufficient_data" and (.year.why | test("fewer than 30 days")) and .year.pue_projected == null' \
	>/dev/null || fail "year on a fresh database: $(puectl status --json | jq -c .year)"
puectl status | grep -q "insufficient data (fewer than 30 days of data)" || fail "year line in puectl status"

wait_for 60000 "the 15m window covered at 1.20" status_jq '.windows[0].state == "ok"'
[ "$(notifications noc pueAlertFiring)" -eq 0 ] || fail "a critical notification before the ceiling was crossed"

# Over the ceiling: facility 1100 kW, IT 800 kW (1.375).
[ "$(sim_cmd set facility_kw 1100)" = ok ] || fail "simulator command"
firing='pueAlertFiring.*pueAlertRule.0 = STRING: pue_ceiling'
wait_for 60000 "a v2c ceiling trap" at_least 1 noc 'SNMP v2c' "$firing"
wait_for 10000 "a v3 authPriv ceiling trap, decoded" at_least 1 noc "SNMP v3, user $TRAP_V3_USER" "$firing"
wait_for 10000 "a v1 ceiling trap" at_least 1 noc 'SNMP v1' "$firing"
line=$(grep -E "SNMP v2c.*$firing" "$T/noc-traps.log" | head -n1)
note "trap: $line"
milli=$(varbind noc "SNMP v2c.*$firing" pueAlertPueMilli | cut -d' ' -f1)
text=$(varbind noc "SNMP v2c.*$firing" pueAlertPueText)
[ "$milli" -gt 1250 ] && [ "$milli" -lt 1376 ] || fail "pueAlertPueMilli $milli"
[ "$text" = "$(awk -v m="$milli" 'BEGIN { printf "%.3f", m / 1000 }')" ] ||
	[ "$(awk -v m="$milli" -v t="$text" 'BEGIN { d = m / 1000 - t; print (d < 0.0006 && d > -0.0006) }')" = 1 ] ||
	fail "pueAlertPueText $text does not match $milli"
for want in "pueAlertSeverity:critical(3)" "pueSite:Demo hall (simulated)" "pueAlertWindow:15m" \
	"pueCeilingMilli:1250 thousandths" "pueAlertCategory:1" "pueAlertSubject:15m" \
	"pueYearState:insufficientData(2)"; do
	got=$(varbind noc "SNMP v2c.*$firing" "${want%%:*}")
	[ "$got" = "${want#*:}" ] || fail "${want%%:*} is \"$got\", want \"${want#*:}\""
done
[ "$(varbind noc "SNMP v2c.*$firing" pueAlertCoverage | cut -d' ' -f1)" -ge 9500 ] || fail "pueAlertCoverage"
varbind noc "SNMP v2c.*$firing" pueAlertTime | grep -Eq '^2026-1-1,' || fail "pueAlertTime: $(varbind noc "SNMP v2c.*$firing" pueAlertTime)"
varbind noc "SNMP v3.*$firing" pueAlertMessage | grep -q "above the ceiling 1.25" || fail "v3 message"

# The inform waits in the database while its receiver is down.
wait_for 10000 "the inform queued" bash -c "[ \$(sqlite3 '$T/pued.db' 'SELECT count(*) FROM inform_queue') -ge 1 ]"
inform_waits() {
	puectl alerts --json | jq -e '.targets[] | select(.name == "noc-inform") |
		.queued >= 1 and .sent == 0 and (.last_error // "" | test("no acknowledgement"))'
}
wait_for 10000 "the inform target to report its receiver silent" inform_waits

# Restart while the alert fires: it stays firing, nothing is sent again.
number=$(puectl alerts --json | jq -r '.active[] | select(.alert == "pue_ceiling:15m") | .number')
[ -n "$number" ] || fail "pue_ceiling not active: $(puectl alerts --json | jq -c .active)"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
start_pued "$T/pued.yaml"
restarted=$(puectl status --json | jq -r .time)
sim_minutes_since() { # the status clock has moved N simulated minutes past $restarted
	puectl status --json | jq -e --arg t "$restarted" --argjson n "$1" \
		'((.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - ($t | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601)) >= $n * 60'
}
wait_for 20000 "two simulated minutes after the restart" sim_minutes_since 2
puectl alerts --json | jq -e --argjson n "$number" '.active[] | select(.alert == "pue_ceiling:15m") | .state == "firing" and .number == $n' \
	>/dev/null || fail "the firing alert was lost or renumbered by the restart"
for v in 'SNMP v2c' 'SNMP v1' "SNMP v3"; do
	[ "$(notifications noc "$v" 'pueAlertRule.0 = STRING: pue_ceiling')" -eq 1 ] || fail "$v: a second ceiling notification after the restart"
done
[ "$(sqlite3 "$T/pued.db" "SELECT count(*) FROM alert_history WHERE key = 'pue_ceiling:15m' AND state = 'firing'")" -eq 1 ] ||
	fail "history: $(sqlite3 "$T/pued.db" "SELECT * FROM alert_history WHERE key = 'pue_ceiling:15m'")"

# The receiver comes up: the queued inform arrives, once.
release_port "$INFORM_HOLD"
start_snmptrapd inform "$INFORM_PORT"
wait_for 30000 "the queued inform delivered" at_least 1 inform 'INFORM, SNMP v2c' "$firing"
wait_for 30000 "the queued v3 inform delivered" at_least 1 inform "INFORM, SNMP v3, user $TRAP_V3_USER" "$firing"
wait_for 10000 "the inform queue empty" bash -c "[ \$(sqlite3 '$T/pued.db' 'SELECT count(*) FROM inform_queue') -eq 0 ]"
puectl alerts --json | jq -e '.targets[] | select(.name == "noc-inform") | .queued == 0 and .sent == 1' >/dev/null ||
	fail "inform target after delivery: $(puectl alerts --json | jq -c '.targets')"
[ "$(notifications inform 'SNMP v2c' "$firing")" -eq 1 ] || fail "the inform was delivered $(notifications inform 'SNMP v2c' "$firing") times"

# Back to 1.20: one resolution of each, with the same number.
[ "$(sim_cmd set facility_kw 960)" = ok ] || fail "simulator command"
resolved='pueAlertResolved.*pueAlertRule.0 = STRING: pue_ceiling'
wait_for 60000 "the v2c resolution" at_least 1 noc 'SNMP v2c' "$resolved"
wait_for 10000 "the v3 resolution" at_least 1 noc 'SNMP v3' "$resolved"
wait_for 10000 "the v1 resolution" at_least 1 noc 'SNMP v1' "$resolved"
wait_for 30000 "the resolution inform" at_least 1 inform "$resolved"
[ "$(varbind noc "SNMP v2c.*$resolved" pueAlertNumber | cut -d' ' -f1)" = "$number" ] || fail "resolution carries another number"
wait_for 20000 "two simulated minutes after the resolution" bash -c \
	"[ \$(sqlite3 '$T/pued.db' \"SELECT count(*) FROM alert_history WHERE key = 'pue_ceiling:15m' AND state = 'resolved' AND t < (SELECT max(t) - 120000 FROM samples)\") -ge 1 ]"
wait_for 30000 "the v3 resolution inform" at_least 1 inform "INFORM, SNMP v3" "$resolved"
for spec in "noc|SNMP v2c" "noc|SNMP v1" "noc|SNMP v3" "inform|INFORM, SNMP v2c" "inform|INFORM, SNMP v3"; do
	name=${spec%%|*} v=${spec#*|}
	f=$(notifications "$name" "$v" "$firing") r=$(notifications "$name" "$v" "$resolved")
	note "$v: $f firing, $r resolved"
	[ "$f" -eq 1 ] && [ "$r" -eq 1 ] || fail "$v: $f firing and $r resolved notifications, want 1 and 1"
done
puectl alerts
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
