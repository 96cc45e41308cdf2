#!/bin/bash
# pPUE zones are stored like the PUE (issue 14): their minutes go to the
# database (zone_minutes) and a restart resumes their windows from it, on
# the stepped test clock. Zone "ups-a": IT ups-a (400 kW), infrastructure
# crah-2 ((960 - 800) x 0.8 / 2 = 64 kW): pPUE 464/400 = 1.16.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's|^  windows: \[15m, 1h, 24h\]|  windows: [15m, 1h, 24h]\n  zones:\n    - name: ups-a\n      it: {add: [ups-a/energy]}\n      infrastructure: {add: [crah-2/energy]}|' "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null 2>"$T/check.txt" || fail "config: $(cat "$T/check.txt")"
start_pued "$T/pued.yaml"
zone() { puectl status --json | jq -c --arg w "$1" '.zones[0].windows[] | select(.window == $w)'; }

advance 16m
note "zone ups-a, 15m: $(zone 15m)"
zone 15m | jq -e '.pue == 1.16 and .coverage == 1' >/dev/null || fail "zone window: $(zone 15m)"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
got=$(sql "SELECT count(*), sum(covered_ms = 60000), round(sum(facility_kwh) / sum(it_kwh), 4)
	FROM zone_minutes WHERE zone = 'ups-a' AND t < $T0 + 15 * 60000")
note "zone minutes 00:00-00:14 (rows, whole, pPUE): $got"
[ "$got" = "15|15|1.16" ] || fail "zone minutes: $got"

# 2 s down: the zone's windows come back from the database at once.
advance_down 2s
start_pued "$T/pued.yaml"
advance 0
note "zone ups-a, 15m, just after the restart: $(zone 15m)"
zone 15m | jq -e '.pue == 1.16 and .coverage >= 0.99' >/dev/null || fail "zone window after the restart: $(zone 15m)"
advance 2m
zone 15m | jq -e '.pue == 1.16 and .coverage >= 0.99' >/dev/null || fail "zone window 2 min after: $(zone 15m)"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
[ "$(sql "SELECT value FROM meta WHERE key = 'schema_version'")" = 5 ] || fail "schema version"
