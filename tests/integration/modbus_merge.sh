#!/bin/bash
# SPDX-License-Identifier: MIT
# modbus_merge.sh - adjacent points are read in as few requests as the
# limits allow, counted by the simulator: the same 20 points are 1 request
# a poll with the defaults, 7 with max_gap_registers 0 and
# max_read_registers 8 (see the plan in the comment below), and 2 when
# half of them are input registers.
source "$(dirname "$0")/lib.sh"

# On the stepped clock: no poll runs between two advances, so the
# simulator's counts and pued's poll counts are read at one moment.
step_clock 1767225600000 # 2026-01-01T00:00:00Z
start_sim sim --control "$T/sim.sock"

points() { # points FUNCTION_OF_THE_SECOND_HALF
	local i=0 r t
	for r in 0:uint16 1:int16 2:uint32 4:uint32 6:int32 8:int32 10:float32 12:float32 14:float32 \
		16:float32 20:uint32 22:uint32 24:float32 26:float32 28:uint64 32:int64 36:float64 \
		40:uint32 42:float64 46:uint64; do
		t=${r#*:}
		printf '      - {name: p%02d, register: %s, type: %s, unit: W, kind: power%s}\n' \
			$i "${r%%:*}" "$t" "$( [ $i -ge 10 ] && echo ", function: $1")"
		i=$((i + 1))
	done
}
# max_read_registers 8, no gaps: 0-7 | 8-15 | 16-17 | 20-27 | 28-35 | 36-41 | 42-49.
cat >"$T/pued.yaml" <<EOT
site: "merge"
poll_interval: 1s
devices:
  - name: merged
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 1}
    points:
$(points holding)
  - name: limited
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 2, max_gap_registers: 0, max_read_registers: 8}
    points:
$(points holding)
  - name: two_functions
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 3}
    points:
$(points input)
  - name: counter
    protocol: modbus_tcp
    modbus: {host: 127.0.0.1, port: $SIM_PORT, unit_id: 4}
    points:
      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy, measured_at: ups_output}
pue:
  facility: {add: [counter/e]}
  it: {add: [counter/e]}
storage: {path: $T/pued.db}
control: {socket: $T/pued.sock}
EOT
start_pued "$T/pued.yaml"
# The points read every layout as W whatever the register holds, so some
# are impossible (a CDAB int32 read as ABCD is -1.5e6 kW): rejected, and
# their device degraded, not down. Requests are counted all the same.
advance 5s
puectl devices --json | jq -e '[.devices[].state] | all(. == "up" or . == "degraded")' >/dev/null ||
	fail "not every device answering: $(puectl devices --json | jq -c '[.devices[].state]')"

# The simulator's count and pued's poll count agree: the clock stands
# still, so no poll runs between the two reads.
counts_agree() { # DEVICE UNIT READS FC03 FC04
	local polls stats
	polls=$(dev_jq "$1" .polls) || return 1
	stats=$(sim_cmd "stats $SIM_PORT:$2")
	[ "$(dev_jq "$1" .polls)" = "$polls" ] || return 1
	echo "$1: $polls polls, simulator: $stats" >>"$T/counts.log"
	jq -e ".requests == $polls * $3 and .fc03 == $polls * $4 and .fc04 == $polls * $5" <<<"$stats"
}
check() { # check DEVICE UNIT READS FC03 FC04
	local dev=$1 reads=$3
	dev_jq "$dev" ".reads_per_poll == $reads and .requests_last_poll == $reads" >/dev/null ||
		fail "$dev: $(puectl devices --json | jq -c --arg d "$dev" '.devices[] | select(.name == $d)')"
	counts_agree "$@" >/dev/null || fail "$dev: the simulator counts $(sim_cmd "stats $SIM_PORT:$2"), not $reads requests a poll"
	note "$(tail -n1 "$T/counts.log")"
}
puectl devices --json | jq -e '[.devices[].polls] | min >= 3' >/dev/null ||
	fail "not three polls each: $(puectl devices --json | jq -c '[.devices[].polls]')"
check merged 1 1 1 0
check limited 2 7 7 0
check two_functions 3 2 1 1
# All of it over one connection: a gateway's unit ids share the link.
sim_cmd stats | jq -e '.connections == 1' >/dev/null || fail "connections: $(sim_cmd stats)"
stop_clean "$PUED_PID" "$SIM_PID"
echo "PASS modbus_merge"
