#!/bin/bash
# pued as a systemd notify service, against a listener on NOTIFY_SOCKET:
# READY=1 once running, STATUS= with the PUE, WATCHDOG=1 while the loop
# progresses, RELOADING=1/READY=1 around a reload (SIGHUP and "puectl
# reload"), an invalid configuration rejected while the old one runs on,
# and STOPPING=1 at the end.
. "$(dirname "$0")/lib.sh"

start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
notify_listen "$T/notify.log"
export WATCHDOG_USEC=1000000
start_pued "$T/pued.yaml"
unset NOTIFY_SOCKET WATCHDOG_USEC

wait_for 10000 "READY=1" grep -q '^READY=1$' "$T/notify.log"
wait_for 15000 "STATUS= with the PUE" grep -q '^STATUS=PUE now 1\.' "$T/notify.log"
wait_for 5000 "WATCHDOG=1" grep -q '^WATCHDOG=1$' "$T/notify.log"
# fed every half second, steadily: no complaint about the tick
wait_for 5000 "three WATCHDOG=1" bash -c "[ \$(grep -c '^WATCHDOG=1$' '$T/notify.log') -ge 3 ]"
! grep -q 'not feeding the watchdog' "$T/pued.log" || fail "watchdog starved: $(grep watchdog "$T/pued.log" | head -3)"
wait_for 15000 "all devices up" devices_jq '[.devices[].state] | all(. == "up")'

# A valid change: another site name and a new window. Samples and the
# energy state of the points that stayed carry over.
sed -i -e 's/^site: .*/site: "Reloaded hall"/' -e 's/windows: \[15m, 1h, 24h\]/windows: [15m, 30m, 1h, 24h]/' \
	"$T/pued.yaml"
before=$(sqlite3 "$T/pued.db" 'SELECT count(*) FROM samples')
kill -HUP "$PUED_PID"
wait_for 10000 "RELOADING=1" grep -q '^RELOADING=1$' "$T/notify.log"
readies_at_least() { [ "$(count_lines "$T/notify.log" '^READY=1$')" -ge "$1" ]; }
wait_for 10000 "READY=1 after the reload" readies_at_least 2
wait_for 10000 "the new site name" status_jq '.site == "Reloaded hall" and (.windows | length) == 4'
grep -q 'reloaded .*: 5 devices; 10 points kept their state' "$T/pued.log" ||
	fail "reload log: $(grep reload "$T/pued.log")"
[ "$(sqlite3 "$T/pued.db" 'SELECT count(*) FROM samples')" -ge "$before" ] || fail "samples lost"
wait_for 15000 "polling after the reload" devices_jq '[.devices[].state] | all(. == "up")'
status_jq '.instant.state == "ok"' >/dev/null || fail "instant PUE after reload"

# An invalid configuration: rejected with file:line:col, the old one runs on.
cp "$T/pued.yaml" "$T/good.yaml"
sed -i 's/register: 10,/register: abc,/' "$T/pued.yaml"
kill -HUP "$PUED_PID"
wait_for 10000 "the rejection logged" grep -q 'reload rejected' "$T/pued.log"
grep -Eq "pued.yaml:[0-9]+:[0-9]+: devices\[0\]\.points\[0\]\.register: " "$T/pued.log" ||
	fail "no file:line:col message in the log"
wait_for 10000 "READY=1 after the rejected reload" readies_at_least 3
status_jq '.site == "Reloaded hall"' >/dev/null || fail "old configuration not running"
kill -0 "$PUED_PID" || fail "pued died on a bad reload"

# The same through the control socket (root may).
cp "$T/good.yaml" "$T/pued.yaml"
sed -i 's/^site: .*/site: "Third hall"/' "$T/pued.yaml"
"$BIN/puectl" -s "$T/pued.sock" reload | grep -q 'reload' || fail "puectl reload"
wait_for 10000 "reload through the socket" status_jq '.site == "Third hall"'

stop_pid "$PUED_PID" 5000 || fail "pued did not exit 0"
wait_for 5000 "STOPPING=1" grep -q '^STOPPING=1$' "$T/notify.log"
note "notify messages: $(sort "$T/notify.log" | cut -c1-12 | uniq -c | tr -s ' ' | tr '\n' ';')"
