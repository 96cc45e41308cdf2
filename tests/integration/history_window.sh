#!/bin/bash
# `puectl history --window` takes only what the stored minutes can sum: a
# whole number of minutes. A window of 90s or 30s took the minutes that
# start inside it (one, or none) against its whole span, so complete data
# showed two thirds or no coverage and insufficient_data at every step, no
# error. Now such a window is a usage error naming the span, and a window
# of whole minutes over the same complete hour is covered at every step.
# pued and the simulator run one hour on the stepped test clock.
. "$(dirname "$0")/lib.sh"

T0=1772323200000 # 2026-03-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 10s/' "$T/pued.yaml"
start_pued "$T/pued.yaml"
advance_to 01:01:00 # the first hour's minutes closed and stored
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"

pc() { "$BIN/puectl" -c "$T/pued.yaml" history --from 2026-03-01T00:10Z --to 2026-03-01T01:00Z \
	--step 10m --json "$@"; }
# A usage error: history's exit status for one (as without --window), not 0.
usage_rc=0
pc >/dev/null 2>&1 || usage_rc=$?
[ "$usage_rc" -ne 0 ] || fail "history without --window exited 0"
# --window SPAN|the message
while IFS='|' read -r span want; do
	rc=0
	pc --window "$span" >"$T/out" 2>"$T/err" || rc=$?
	note "--window $span: exit $rc: $(cat "$T/err")"
	[ "$rc" -eq "$usage_rc" ] ||
		fail "--window $span: exit $rc, expected $usage_rc (a usage error); out: $(head -c 300 "$T/out")"
	[ ! -s "$T/out" ] || fail "--window $span printed: $(head -c 300 "$T/out")"
	[ "$(cat "$T/err")" = "puectl: history: $want" ] || fail "--window $span: $(cat "$T/err")"
done <<'EOF_CASES'
90s|window 90s is not a whole number of minutes (windows sum whole minutes: 1m or 2m)
3601s|window 3601s is not a whole number of minutes (windows sum whole minutes: 1h or 61m)
30s|window 30s is shorter than a minute (windows sum whole minutes: 1m at least)
EOF_CASES
# The same steps with whole minutes: every one of the 5 fully covered.
pc --window 2m >"$T/history.json" || fail "--window 2m: $(cat "$T/history.json")"
jq -e 'length == 5 and all(.[]; .coverage == 1 and .state == "ok" and .pue == 1.2)' \
	"$T/history.json" >/dev/null || fail "--window 2m: $(jq -c . "$T/history.json")"
stop_clean "$SIM_PID"
