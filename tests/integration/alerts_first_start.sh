#!/bin/bash
# A first start pages nobody for a window that fills within its minimum
# duration (PUE.md: an alert changes state only on evidence). With
# alert_window 15m and the default min_duration 15m, insufficient_data
# goes pending at the first round: the window ending 00:00 holds nothing.
# The windows only change when a minute closes, so a window alert counts
# its time only on the rounds that see a new minute: at 00:15:01 the
# newest window still ends at 00:14 (14 minutes of evidence), and the
# round that sees minute 00:14 closed finds the window covered and clears
# the alert. Before, the round at 00:15:01 fired it on the window ending
# 00:14, and the next resolved it: a page to the NOC that lived a second.
# The 24h window of the second run is short of coverage all day, so its
# alert fires, at the first round after 15 minutes that sees a new minute.
# pued and the simulator share the stepped test clock; polls are 30 s
# apart, as in ceiling_at_the_line.sh.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 30s/' \
	-e 's/^  windows: \[15m, 1h, 24h\]/  windows: [15m, 24h]\n  alert_window: 15m/' "$T/pued.yaml"
grep -q '^  alert_window: 15m$' "$T/pued.yaml" || fail "config edit"
start_pued "$T/pued.yaml"

history() {
	sql "SELECT time(t / 1000, 'unixepoch'), key, state FROM alert_history
		WHERE key LIKE 'insufficient_data:%' ORDER BY t, id"
}
advance_to 00:17:00
status_jq '.windows[0].state == "ok" and .windows[0].coverage == 1' >/dev/null ||
	fail "the 15m window at 00:17: $(puectl status --json | jq -c '.windows[0]')"
got=$(history)
note "15m alert window: ${got//$'\n'/, }"
[ "$(printf '%s\n' "$got" | head -n 1)" = "00:00:01|insufficient_data:15m|pending" ] ||
	fail "insufficient_data:15m did not go pending at the first round: $got"
! printf '%s\n' "$got" | grep -Eq '\|(firing|resolved)$' ||
	fail "insufficient_data:15m paged while its window filled: $got"
[ "$(printf '%s\n' "$got" | wc -l)" -eq 2 ] || fail "insufficient_data:15m history: $got"
stop_clean "$PUED_PID"

# The 24h window as the alert window: short of coverage all day, so the
# alert fires at the first round that sees a new minute once 15 minutes
# have passed since it went pending (a new database, the clock at 00:17):
# pending at the first round, 00:17:01; at 00:32:01 the newest window is
# the one the round at 00:31:02 judged (minute 00:31 closes in the tick
# after that round), so the alert fires at 00:32:02.
rm -f "$T"/pued.db*
sed -i 's/^  alert_window: 15m$/  alert_window: 24h/' "$T/pued.yaml"
start_pued "$T/pued.yaml"
advance_to 00:34:00
got=$(history)
note "24h alert window: ${got//$'\n'/, }"
[ "$got" = "00:17:01|insufficient_data:24h|pending
00:32:02|insufficient_data:24h|firing" ] || fail "insufficient_data:24h: $got"
stop_clean "$PUED_PID" "$SIM_PID"
