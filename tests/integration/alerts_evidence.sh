#!/bin/bash
# An alert changes state only on evidence (issue 15, items 1 and 4), on the
# stepped test clock: a data_stale alert firing when pued restarts stays
# firing, sends nothing and says it waits for samples, until valid samples
# resolve it.
. "$(dirname "$0")/lib.sh"

step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
cat >>"$T/pued.yaml" <<CONF
alerts:
  targets:
    - {name: record, type: exec, min_severity: warning,
       command: [/bin/sh, -c, 'echo "\$PUED_ALERT_KEY \$PUED_ALERT_STATE" >> $T/hook.log']}
CONF
: >"$T/hook.log"
start_pued "$T/pued.yaml"
alert_state() { puectl alerts --json | jq -r --arg k "$1" '[.active[] | select(.alert == $k) | .state][0] // "none"'; }
alert_msg() { puectl alerts --json | jq -r --arg k "$1" '[.active[] | select(.alert == $k) | .message][0]'; }

# crah-2's power (int32 W) reads a saturated 2^31-1 W from 00:00:30 on: rejected
# each poll, so the point has no valid sample (its energy still has).
advance 30s
[ "$(sim_cmd fault 5 value 3e38 1000000)" = ok ] || fail "simulator fault"
advance 3m
[ "$(alert_state data_stale:crah-2)" = firing ] || fail "data_stale:crah-2 is $(alert_state data_stale:crah-2)"
wait_for 20000 "the firing hook" grep -q "^data_stale:crah-2 firing$" "$T/hook.log"
note "before the restart: $(alert_msg data_stale:crah-2)"

# SIGTERM, 2 s down, start: the meter still lies. The alert stays firing,
# and no resolution (nor a second firing) goes out.
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
advance_down 2s
start_pued "$T/pued.yaml"
advance 1s
note "1 s after the restart: $(alert_state data_stale:crah-2): $(alert_msg data_stale:crah-2)"
[ "$(alert_state data_stale:crah-2)" = firing ] || fail "data_stale:crah-2 is $(alert_state data_stale:crah-2) after the restart"
advance 5m
[ "$(alert_state data_stale:crah-2)" = firing ] || fail "data_stale:crah-2 is $(alert_state data_stale:crah-2) 5 min after the restart"
! grep "data_stale:crah-2 resolved" "$T/pued.log" || fail "a restart resolved data_stale:crah-2"
n=$(grep -c "^data_stale:crah-2 " "$T/hook.log")
[ "$n" -eq 1 ] || fail "$n notifications for data_stale:crah-2: $(cat "$T/hook.log")"

# Valid samples again: that is evidence, and it resolves, once.
[ "$(sim_cmd fault 5 value 0 0)" = ok ] || fail "simulator: cancel the value"
advance 10s
[ "$(alert_state data_stale:crah-2)" = none ] || fail "data_stale:crah-2 is $(alert_state data_stale:crah-2) with valid samples"
grep -q "alert #[0-9]* data_stale:crah-2 resolved.*valid samples again" "$T/pued.log" ||
	fail "no resolution logged: $(grep data_stale "$T/pued.log")"
wait_for 20000 "the resolution hook" grep -q "^data_stale:crah-2 resolved$" "$T/hook.log"
[ "$(grep -c "^data_stale:crah-2 " "$T/hook.log")" -eq 2 ] || fail "notifications: $(cat "$T/hook.log")"
stop_pid "$PUED_PID" 5000 || fail "pued exited with status $? on SIGTERM"
