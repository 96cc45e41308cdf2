#!/bin/bash
# A silence holds notifications back; it does not drop them (README: "puectl
# silence ... hold back a rule's notifications"). A ceiling alert that fires
# while its rule is silenced sends nothing then; if it still fires when the
# silence ends, the NOC hears of it then, once, and of its resolution
# later. On the stepped test clock, 15m alert window, minimum duration 1 min.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^  warning: 1.22/  warning: 1.22\n  alert_window: 15m\n  min_duration: 1m/' "$T/pued.yaml"
cat >>"$T/pued.yaml" <<CONF
alerts:
  targets:
    - {name: record, type: exec, min_severity: info,
       command: [/bin/sh, -c, 'echo "\$PUED_ALERT_KEY \$PUED_ALERT_STATE" >> $T/hook.log']}
CONF
: >"$T/hook.log"
start_pued "$T/pued.yaml"
alert_state() { puectl alerts --json | jq -r --arg k "$1" '[.active[] | select(.alert == $k) | .state][0] // "none"'; }
ceiling_lines() { grep -c "^pue_ceiling:15m " "$T/hook.log" || true; }

advance 16m # the 15m window is whole at 1.20
puectl silence pue_ceiling 30m >/dev/null || fail "puectl silence"
# 1100 / 800 = 1.375 from 00:16: the window is above 1.25 from 00:20 or so.
[ "$(sim_cmd set facility_kw 1100)" = ok ] || fail "simulator command"
advance 10m
[ "$(alert_state pue_ceiling:15m)" = firing ] || fail "pue_ceiling:15m is $(alert_state pue_ceiling:15m)"
[ "$(ceiling_lines)" -eq 0 ] || fail "a silenced alert was notified: $(cat "$T/hook.log")"

# The silence ends at 00:46; the alert still fires: one notification.
advance 21m
[ "$(alert_state pue_ceiling:15m)" = firing ] || fail "pue_ceiling:15m is $(alert_state pue_ceiling:15m)"
wait_for 20000 "the firing held back by the silence" grep -q "^pue_ceiling:15m firing$" "$T/hook.log"
advance 5m
[ "$(ceiling_lines)" -eq 1 ] || fail "ceiling notifications: $(cat "$T/hook.log")"

# Back to 960 kW: it resolves, and the NOC hears that too.
[ "$(sim_cmd set facility_kw 960)" = ok ] || fail "simulator command"
advance 16m
[ "$(alert_state pue_ceiling:15m)" = none ] || fail "pue_ceiling:15m is $(alert_state pue_ceiling:15m)"
wait_for 20000 "the resolution" grep -q "^pue_ceiling:15m resolved$" "$T/hook.log"
[ "$(ceiling_lines)" -eq 2 ] || fail "ceiling notifications: $(cat "$T/hook.log")"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
