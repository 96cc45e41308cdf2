#!/bin/bash
# Issue 14 item 5: `puectl report` and `history` over a period that starts
# mid-hour in pued's first hour equal the sum of `puectl export --minutes`
# over the same period. (They took the time before the first whole hour
# from the hourly rollup alone, and a period inside that hour got 0 kWh.)
# Real pued and simulator, real clock; the period is pued's first minute
# (mid-hour unless pued happens to start in minute 0 of an hour).
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
start_pued "$T/pued.yaml"
F=$(($(date +%s) / 60 * 60))
# pued runs on: its first minute is stored once it closed
stored() { [ "$(sql "SELECT count(*) FROM minutes WHERE t = $((F * 1000))")" = 1 ]; }
wait_for 90000 "pued's first minute stored" stored
from=$(date -u -d "@$F" +%Y-%m-%dT%H:%MZ)
to=$(date -u -d "@$((F + 60))" +%Y-%m-%dT%H:%MZ)
pc() { "$BIN/puectl" -c "$T/pued.yaml" "$@"; }

pc export --minutes --from "$from" --to "$to" >"$T/minutes.csv"
note "minutes: $(tail -n +2 "$T/minutes.csv" | tr '\n' ' ')"
read -r fac it covered_s < <(awk -F, 'NR > 1 { f += $2; i += $3; c += $4 } END { printf "%.6f %.6f %.3f\n", f, i, c }' "$T/minutes.csv")
awk -v c="$covered_s" 'BEGIN { exit !(c > 0) }' || fail "no minute exported"

# equal: the same energy (to the export's 6 decimals) and coverage
same() { # same JSON_FIGURE: a report's facility_kwh, it_kwh and coverage against the export
	jq -e --argjson f "$fac" --argjson i "$it" --argjson c "$covered_s" \
		'((.facility_kwh - $f) | fabs) < 1e-5 and ((.it_kwh - $i) | fabs) < 1e-5
		 and ((.coverage - $c / 60) | fabs) < 1e-4' >/dev/null
}
pc report --from "$from" --to "$to" --json >"$T/report.json"
note "report: $(jq -c '{facility_kwh, it_kwh, coverage}' "$T/report.json")"
same <"$T/report.json" || fail "report $(jq -c . "$T/report.json") is not the minutes' $fac / $it kWh over $covered_s s"
pc history --window 1m --step 1m --from "$from" --to "$to" --json >"$T/history.json"
jq -e 'length == 1' "$T/history.json" >/dev/null || fail "history: $(jq -c . "$T/history.json")"
jq '.[0]' "$T/history.json" | same || fail "history $(jq -c '.[0]' "$T/history.json") is not the minutes'"
stop_clean "$PUED_PID" "$SIM_PID"
