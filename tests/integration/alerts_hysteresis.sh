#!/bin/bash
# A PUE oscillating +-0.005 around the 1.25 ceiling for six hours gives one
# alert, not a storm (PUE.md, "Alerting on PUE": hysteresis 0.01 and a
# minimum duration): one firing, then one resolution when the PUE falls to
# 1.20. Meanwhile every sink is broken: an exec hook that hangs (killed
# after alerts.exec_timeout), one that cannot run, a trap and an inform
# target with nobody listening; polling stays on time all along, as the
# samples table shows. pued and the simulator share a clock 720x real time
# (six hours in thirty seconds); polls are 30 s apart in simulated time.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/alerts/helpers.sh"

POLL_S=30
export PUED_TEST_CLOCK="1767225600000,$(($(date +%s%N) / 1000000)),720"
# IT 800 kW; facility 1004 / 996 kW (PUE 1.255 / 1.245) in turns of 20
# minutes from the 15th minute for six hours, then 960 kW (1.20).
schedule="" t=900
for k in $(seq 0 17); do
	schedule="$schedule$t:facility_kw=$((k % 2 == 0 ? 1004 : 996));"
	t=$((t + 1200))
done
END_S=$t
schedule="$schedule$END_S:facility_kw=960"
start_sim sim --control "$T/sim.sock" --schedule "$schedule"
hold_port udp # nobody listens there, and no test alongside gets it
DEAD_PORT=$HELD_PORT
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e "s/^poll_interval: 1s/poll_interval: ${POLL_S}s/" \
	-e 's/^  windows: \[15m, 1h, 24h\]/  windows: [15m, 1h]/' \
	-e 's/^  warning: 1.22/  warning: 1.22\n  alert_window: 15m\n  min_duration: 5m/' "$T/pued.yaml"
cat >>"$T/pued.yaml" <<EOF
alerts:
  exec_timeout: 60s
  targets:
    - {name: record, type: exec, min_severity: critical,
       command: [/bin/sh, -c, 'echo "\$PUED_ALERT_KEY \$PUED_ALERT_STATE \$PUED_ALERT_PUE" >> $T/hook.log']}
    - {name: hangs, type: exec, min_severity: info, command: [/bin/sleep, "3600"]}
    - {name: missing, type: exec, min_severity: info, command: [$T/no-such-hook]}
    - {name: deadtrap, type: snmp_trap, min_severity: info,
       snmp: {host: 127.0.0.1, port: $DEAD_PORT, version: 2c, community: nobody}}
    - {name: deadinform, type: snmp_inform, min_severity: info, queue_max: 3,
       snmp: {host: 127.0.0.1, port: $DEAD_PORT, version: 2c, community: nobody}}
EOF
chmod 600 "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
start_pued "$T/pued.yaml"

sim_seconds() { # simulated seconds since the start
	puectl status --json | jq -e '(.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - 1767225600'
}
past() { [ "$(sim_seconds)" -ge "$1" ]; }
wait_for 60000 "the six hours of oscillation" past "$END_S"
fired=$(sqlite3 "$T/pued.db" "SELECT count(*) FROM alert_history WHERE key = 'pue_ceiling:15m' AND state = 'firing'")
resolved=$(sqlite3 "$T/pued.db" "SELECT count(*) FROM alert_history WHERE key = 'pue_ceiling:15m' AND state = 'resolved'")
note "six hours around the ceiling: $fired firing, $resolved resolved; 15m PUE now $(puectl status --json | jq .windows[0].pue)"
sqlite3 "$T/pued.db" "SELECT datetime(t/1000, 'unixepoch'), key, state, message FROM alert_history
	WHERE key LIKE 'pue_%'" | sed 's/^/# /'
[ "$fired" -eq 1 ] || fail "$fired firings of the ceiling alert, want 1"
[ "$resolved" -le 1 ] || fail "$resolved resolutions of the ceiling alert, want at most 1"
# the 15m figure did swing across the level: the test tested something
sqlite3 "$T/pued.db" "SELECT count(*) FROM alert_history WHERE key = 'pue_ceiling:15m' AND state = 'pending'" |
	grep -qx 1 || fail "pending more than once: the hysteresis did not hold"

# Back to 1.20: exactly one resolution.
wait_for 30000 "the resolution at 1.20" bash -c "grep -c 'pue_ceiling:15m resolved' '$T/hook.log' | grep -qx 1"
[ "$(grep -c 'pue_ceiling:15m firing' "$T/hook.log")" -eq 1 ] || fail "hook: $(cat "$T/hook.log")"
grep -q 'pue_ceiling:15m firing 1\.25[0-9]' "$T/hook.log" || fail "the hook's PUED_ALERT_PUE: $(cat "$T/hook.log")"

# Every broken sink was broken, and said so.
wait_for 20000 "the hanging hook killed" grep -q "target hangs: /bin/sleep killed after" "$T/pued.log"
puectl alerts --json >"$T/alerts.json"
jq -e '.targets[] | select(.name == "missing") | .failed >= 1 and (.last_error | test("cannot run .*no-such-hook"))' \
	"$T/alerts.json" >/dev/null || fail "missing hook: $(jq -c '.targets' "$T/alerts.json")"
jq -e '.targets[] | select(.name == "deadinform") | .sent == 0 and .queued >= 1 and .queued <= 3' \
	"$T/alerts.json" >/dev/null || fail "dead inform target: $(jq -c '.targets' "$T/alerts.json")"
jq -c '.targets[]' "$T/alerts.json" | sed 's/^/# /'

# Polling stayed on time: every point's samples, 30 simulated seconds apart
# (42 ms of real time). A sink that held the loop up would leave gaps the
# length of what it waited for: an inform's 1.5 s timeout (18 simulated
# minutes), a hook's 60 s limit. There is none of even five minutes (0.4 s
# of real time: a busy machine's own hiccups stay well below), hardly any
# poll a whole interval late, and nearly all within a third of one.
sqlite3 "$T/pued.db" "WITH s AS (SELECT point, t - lag(t) OVER (PARTITION BY point ORDER BY t) AS gap
	FROM samples WHERE t > 1767225600000 + 900000)
	SELECT count(*), sum(gap > ${POLL_S}000 * 1.33), max(gap), sum(gap > ${POLL_S}000 * 2) FROM s
	WHERE gap IS NOT NULL" >"$T/gaps"
IFS='|' read -r n late max missed <"$T/gaps"
note "polls: $n intervals, $late more than a third late, $missed more than one late, the longest $((max / 1000)) s"
[ "$n" -ge $((10 * (END_S - 900) / POLL_S * 9 / 10)) ] || fail "only $n poll intervals in the samples"
[ "$max" -lt $((POLL_S * 10 * 1000)) ] || fail "a gap of $((max / 1000)) s between polls"
[ "$missed" -le $((n / 100)) ] || fail "$missed of $n polls a whole interval late"
[ "$late" -le $((n / 10)) ] || fail "$late of $n polls late"
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
