#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_isolation.sh - 50 meters, each on its own TCP connection; 5 of
# them stop answering (timeout 1 s, 3 retries: a dead poll holds its link
# for 4 s). Each of the other 45 still has a stored sample in at least 24 of
# 30 consecutive 1 s intervals, checked from the database (real time: the
# point is that real timeouts do not hold up other links; the margin is
# for a loaded machine, a starved link would keep one in four). The worker pool
# starts with the default 4 threads and must not let the dead links starve
# the live ones.
source "$(dirname "$0")/lib.sh"

# Generic meters: meter k answers alone on port k as unit 1, at 1 + k kW.
start_sim sim --control "$T/sim.sock" --meters 50 --units-per-port 1 --listen-ports 50
mapfile -t ports <"$T/sim.ports"
[ ${#ports[@]} = 50 ] || fail "simulator gave ${#ports[@]} ports"
dead=" 3 14 25 36 47 "
for k in $dead; do
	[ "$(sim_cmd fault "${ports[$k]}:1" noanswer)" = ok ] || fail "fault on meter $k"
done
{
	cat <<EOT
site: "isolation"
poll_interval: 1s
devices:
EOT
	for k in $(seq 0 49); do
		cat <<EOT
  - name: m$k
    protocol: modbus_tcp
    timeout: 1s
    retries: 3
    modbus: {host: 127.0.0.1, port: ${ports[$k]}, unit_id: 1}
    points:
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy, measured_at: ups_output}
EOT
	done
	cat <<EOT
pue:
  facility: {add: [m0/e]}
  it: {add: [m1/e]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
} >"$T/pued.yaml"
start_pued "$T/pued.yaml"

alive_have() { # alive_have MS: every live meter has a sample at or after MS
	[ "$(sql "SELECT count(DISTINCT p.device) FROM samples s JOIN points p ON p.id = s.point
		WHERE s.t >= $1")" = 45 ]
}
wait_for 15000 "a first sample from each of the 45 live meters" alive_have 0
start=$(sql "SELECT max(t0) FROM (SELECT min(s.t) AS t0 FROM samples s GROUP BY s.point)")
start=$((start + 1000))
wait_for 45000 "30 s of samples after $start" alive_have $((start + 30000))
for k in $dead; do
	dev_jq "m$k" '.state == "down" and (.last_error | test("no answer \\(timed out\\)"))' >/dev/null ||
		fail "m$k: $(dev_jq "m$k" .)"
done

# Each meter polls on its own phase within the second; the 30 intervals
# are laid around that phase (lib.sh intervals_hit).
sql "SELECT p.device, s.t FROM samples s JOIN points p ON p.id = s.point
	WHERE s.t >= $start - 1000 AND s.t < $start + 31000" |
	intervals_hit "$start" 1000 30 >"$T/hits"
[ "$(wc -l <"$T/hits")" = 45 ] || fail "$(wc -l <"$T/hits") meters have samples"
note "45 live meters: the worst has a sample in $(sort -k2n "$T/hits" | head -1 | cut -d' ' -f2) of 30 intervals"
# Starved by the dead links, a live one would miss most intervals (a dead
# poll holds its link 4 s); 24 leaves room for a machine whose cores are
# all busy with other work, where a poll may slip a second.
bad=$(awk '$2 < 24 { printf "%s: %d of 30, ", $1, $2 }' "$T/hits")
[ -z "$bad" ] || fail "a live meter missed intervals: $bad"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_isolation"
