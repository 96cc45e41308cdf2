#!/bin/bash
# A PUE at the ceiling complies (PUE.md, "Judging a figure against the
# ceiling", worked example 9), everywhere pued judges a figure. The
# simulator runs facility 1250 kW and IT 1000 kW, and the PUE is taken from
# the meters' power registers, which carry 1250 and 500 + 500 exactly: every
# window and the live figure are 1.25 to the last bit, whatever the timing.
#  1. 1.250: every snapshot of `status` (JSON and text) says "warning", at
#     the ceiling, not above it; `check` exits 1 (WARNING), not 2.
#  2. 1250.4 kW (1.2504, which shows as 1.250): still at the ceiling.
#     Comparing the unrounded ratio called this ABOVE CEILING.
#  3. 1250.6 kW (1.2506, shows 1.251): above the ceiling, CRITICAL.
# No ceiling alert before step 3, and a report over the hours of steps 1
# and 2 counts no hour above the ceiling and calls them compliant. pued and
# the simulator share a clock running 240x real time (a simulated hour in
# fifteen seconds); polls are 30 s apart in simulated time, and a late one
# is bridged up to 10 minutes (power is constant, so bridging is exact)
# and waited for by the minute it belongs to (a long timeout gives a long
# grace; a loaded machine stalls pued for simulated minutes).
. "$(dirname "$0")/lib.sh"

T0=1772323200000 # 2026-03-01T00:00:00Z
export PUED_TEST_CLOCK="$T0,$(($(date +%s%N) / 1000000)),240"
start_sim sim --control "$T/sim.sock" --facility-kw 1250 --it-kw 1000
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 30s/' \
	-e 's/kind: power/kind: power, max_gap: 10m/' \
	-e 's/    modbus: {/    timeout: 60s\n    retries: 10\n    modbus: {/' \
	-e 's/^  facility: {add: \[incomer\/energy\]}/  facility: {add: [incomer\/power]}/' \
	-e 's/^  it: {add: \[ups-a\/energy, ups-b\/energy\]}/  it: {add: [ups-a\/power, ups-b\/power]}/' \
	-e 's/^  windows: \[15m, 1h, 24h\]/  windows: [15m, 1h]\n  alert_window: 1h/' "$T/pued.yaml"
grep -q 'it: {add: \[ups-a/power, ups-b/power\]}' "$T/pued.yaml" || fail "config edit"
start_pued "$T/pued.yaml"

sim_minutes() { # the simulated clock, in minutes since T0, from pued
	puectl status --json | jq -e --argjson t0 "$T0" \
		'(.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - $t0 / 1000 | . / 60 | floor'
}
past() { [ "$(sim_minutes)" -ge "$1" ]; }

# at_line N WHAT: N snapshots, each a few simulated minutes apart, in which
# both windows are 1.250, "warning", at the ceiling, and so is the live
# figure unless a late poll left it without fresh power ("unknown", or
# "insufficient_data" when some inputs are fresh: a loaded machine stalls
# pued for simulated minutes); it is judged in at least one snapshot.
at_line() {
	local i m out rc live=0
	for i in $(seq "$1"); do
		puectl status --json >"$T/s.json"
		jq -e 'def at_line: .state == "warning" and .pue == 1.25 and .pue_milli == 1250
			and .at_ceiling and (.exceeds_ceiling | not) and .exceeds_warning;
			(.windows | length == 2 and all(at_line))
			and (.instant | at_line or .state == "unknown" or .state == "insufficient_data")' \
			"$T/s.json" >/dev/null ||
			fail "$2, snapshot $i: $(jq -c '[.instant, .windows[]]' "$T/s.json")"
		puectl status >"$T/s.txt"
		[ "$(grep -cE '^  (15m|1h) +1\.250 +AT CEILING ' "$T/s.txt")" -eq 2 ] &&
			grep -qE '^  now +(1\.250 +AT CEILING|- +unknown|- +insufficient data) ' "$T/s.txt" &&
			! grep -q 'ABOVE CEILING' "$T/s.txt" || fail "$2, snapshot $i: $(cat "$T/s.txt")"
		grep -qE '^  now +1\.250 +AT CEILING ' "$T/s.txt" && live=$((live + 1))
		rc=0
		out=$(puectl check) || rc=$?
		[ "$rc" -eq 1 ] && [[ "$out" == "PUE WARNING - 1h PUE 1.250 at the ceiling (ceiling 1.25, "* ]] &&
			[[ "$out" == *"| pue_1h=1.250;1.22;1.25 "* ]] || fail "$2, check exited $rc: $out"
		m=$(sim_minutes)
		wait_for 10000 "the simulated clock to move on" past $((m + 7))
	done
	[ "$live" -ge 1 ] || fail "$2: the live figure was never fresh"
}

# 1. 1250 / 1000 from 01:05 (the 1h window covered) to past 03:00.
wait_for 60000 "the 1h window covered at 1.250" status_jq '.windows[1].state == "warning"'
wait_for 60000 "simulated 01:05" past 65
at_line 15 "facility 1250 kW"
wait_for 60000 "simulated 03:02" past 182

# 2. 1250.4 / 1000 = 1.2504 shows 1.250; once both windows hold only it.
[ "$(sim_cmd set facility_kw 1250.4)" = ok ] || fail "simulator: set facility_kw 1250.4"
changed=$(sim_minutes)
wait_for 60000 "the 1h window past the change" past $((changed + 62))
at_line 4 "facility 1250.4 kW"
[ "$(sql "SELECT count(*) FROM alert_history WHERE key LIKE 'pue_ceiling:%'")" -eq 0 ] ||
	fail "the ceiling alert moved at 1.250: $(sql "SELECT * FROM alert_history WHERE key LIKE 'pue_ceiling:%'")"
sql "SELECT message FROM alert_history WHERE key = 'pue_warning:1h' AND state = 'firing'" |
	grep -q '^1h PUE 1.250 above the warning level 1.22 ' ||
	fail "the warning alert: $(sql "SELECT * FROM alert_history WHERE key = 'pue_warning:1h'")"

# 3. 1250.6 / 1000 = 1.2506 shows 1.251: above, at the same line.
[ "$(sim_cmd set facility_kw 1250.6)" = ok ] || fail "simulator: set facility_kw 1250.6"
wait_for 30000 "the 15m window above the ceiling at 1.251" status_jq '.windows[0].state == "above_ceiling"
	and .windows[0].pue_milli == 1251 and .windows[0].exceeds_ceiling and (.windows[0].at_ceiling | not)'
wait_for 30000 "check CRITICAL at 1.251" bash -c "
	out=\$('$BIN/puectl' -s '$T/pued.sock' check --window 15m); [ \$? -eq 2 ] &&
	[[ \"\$out\" == 'PUE CRITICAL - 15m PUE 1.251 (ceiling 1.25, '* ]]"
puectl status | grep -qE '^  15m +1\.251 +ABOVE CEILING ' || fail "status text at 1.251: $(puectl status)"
stop_clean "$PUED_PID"

# The hours of steps 1 and 2: 01:00 to 04:00, each at 1.250 or a mix of
# 1.250 and 1.2504, none above the ceiling; the period compliant.
"$BIN/puectl" -c "$T/pued.yaml" report --from 2026-03-01T01:00Z --to 2026-03-01T04:00Z --json \
	>"$T/report.json"
note "report: $(jq -c . "$T/report.json")"
jq -e '.hours == 3 and .hours_above_ceiling == 0 and .hours_above_warning == 3
	and .pue == 1.25 and .pue_milli == 1250 and .state == "warning" and .verdict == "compliant"' \
	"$T/report.json" >/dev/null || fail "report: $(jq -c . "$T/report.json")"
"$BIN/puectl" -c "$T/pued.yaml" report --from 2026-03-01T01:00Z --to 2026-03-01T04:00Z >"$T/report.txt"
grep -qE '^  hours above 1\.25 +0$' "$T/report.txt" && grep -qE '^  PUE +1\.250 \(warning\)$' "$T/report.txt" &&
	grep -qE '^  verdict +compliant ' "$T/report.txt" || fail "report text: $(cat "$T/report.txt")"
