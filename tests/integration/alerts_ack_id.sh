#!/bin/bash
# "ack" takes an alert's number only when the whole word is one: "12abc",
# "#", "0" and a number past 32 bits are refused with a clear error, by
# puectl before it asks and by pued for a request sent straight to the
# socket (a JSON string or integer), and the alert stays unacknowledged.
# A good number, with or without "#", still acknowledges it. On the
# stepped clock: IT 600 kW, facility 828 kW (PUE 1.380, over the 1.25
# ceiling), alert window 1m and no minimum duration.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock" --facility-kw 828 --it-kw 600
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/  windows: \[15m, 1h, 24h\]/  windows: [1m, 15m]\n  alert_window: 1m\n  min_duration: 0s/' "$T/pued.yaml"
start_pued "$T/pued.yaml"
advance_to 00:02:05

alerts() { puectl alerts --json; }
number=$(alerts | jq -e '[.active[] | select(.state == "firing")][0].number') ||
	fail "no firing alert: $(alerts)"
not_acked() { alerts | jq -e --argjson n "$number" '.active[] | select(.number == $n) | .acked_by == null' >/dev/null; }

# puectl refuses a bad number before asking (exit 2, nothing sent).
for bad in "${number}abc" "#" "#${number}x" 0 18446744073709551616 4294967296; do
	rc=0
	puectl ack "$bad" >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 2 ] && grep -qF "\"$bad\" is not an alert number" "$T/out" ||
		fail "puectl ack \"$bad\" exited $rc: $(cat "$T/out")"
done
not_acked || fail "a refused ack acknowledged alert #$number"

# pued refuses them too, sent as JSON by a client that does not check.
ask() { printf '%s\n' "$1" | socat -t 5 - "UNIX-CONNECT:$T/pued.sock"; }
for alert in "\"${number}abc\"" '"#"' '"0"' '"18446744073709551616"' 0 -1 4294967296; do
	reply=$(ask "{\"v\": 1, \"cmd\": \"ack\", \"alert\": $alert}")
	echo "$reply" | jq -e '.ok == false and (.error | test("is not an alert number"))' >/dev/null ||
		fail "pued answered ack $alert with $reply"
done
not_acked || fail "a refused JSON ack acknowledged alert #$number"

# The number itself, then with "#", acknowledges it.
puectl ack "#$number" | grep -q "^alert #$number .* acknowledged by" || fail "puectl ack #$number"
alerts | jq -e --argjson n "$number" '.active[] | select(.number == $n) | .acked_by != null' >/dev/null ||
	fail "alert #$number not acknowledged: $(alerts)"
stop_clean "$PUED_PID"
