#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/snmp: pued polling 500 simulated SNMP agents every second.
#
# Prints pued's CPU-seconds per 1000 polls (utime + stime from
# /proc/PID/stat over the measured window), the share of polls on time (a
# stored sample of every device in every one-second interval, from the
# samples table) and peak RSS (VmHWM). Bounded: BENCH_SNMP_DEVICES (500)
# devices, BENCH_SNMP_SECONDS (60) measured seconds after a warm-up.
#
# What is realistic: each device is its own agent address (a distinct
# 127.0.0.1 port), so pued holds 500 sessions and 500 sockets as it would
# for 500 UPSes and PDUs. The agents themselves are BENCH_SNMP_AGENTS (5)
# real snmpd processes, each listening on 100 ports and answering through
# pue-snmp-pass (pass_persist): their CPU is not pued's and is printed
# apart. One device in five uses SNMPv3 authPriv (SHA-256, AES-128); each
# device reads power (INTEGER) and energy (Counter64) in one GET, and one in
# ten also sums a 3-row column with GETBULK. Loopback has no latency or
# loss, so this measures pued's cost per poll, not a network.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
N=${BENCH_SNMP_DEVICES:-500}
SECS=${BENCH_SNMP_SECONDS:-60}
AGENTS=${BENCH_SNMP_AGENTS:-5}
WARMUP=${BENCH_SNMP_WARMUP:-10}
make -s "$BUILD/pued" "$BUILD/puectl" "$BUILD/pue-snmp-pass"
. tests/integration/lib.sh
. tests/snmpsim/snmpd.sh

per=$(((N + AGENTS - 1) / AGENTS))
ports=()
agent_pids=()
for a in $(seq "$AGENTS"); do
	start_snmpd "agent$a" "$per"
	agent_pids+=("$SNMPD_PID")
	# shellcheck disable=SC2206
	ports+=($SNMPD_PORTS)
done

PLAY=1.3.6.1.4.1.8072.9999.9999.1
{
	echo 'site: "SNMP bench"'
	echo 'poll_interval: 1s'
	echo 'devices:'
	for i in $(seq 0 $((N - 1))); do
		if [ $((i % 5)) -eq 4 ]; then
			auth="version: 3, user: pued-sha256, auth_protocol: sha256, auth_passphrase: pued-auth-256, priv_passphrase: pued-priv-aes"
		else
			auth="community: $SNMP_COMMUNITY"
		fi
		printf '  - name: dev%03d\n    protocol: snmp\n    snmp: {host: 127.0.0.1, port: %s, %s}\n    points:\n' \
			"$i" "${ports[$i]}" "$auth"
		echo "      - {name: power, oid: $PLAY.1.0, kind: power, unit: W}"
		echo "      - {name: energy, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64, measured_at: ups_output}"
		if [ $((i % 10)) -eq 3 ]; then
			echo "      - {name: lines, oid: $PLAY.11, sum_column: true, kind: power, unit: W}"
		fi
	done
	echo 'pue: {facility: {add: [dev001/energy]}, it: {add: [dev000/energy]}}'
	echo "storage: {path: $T/pued.db}"
	echo "control: {socket: $T/pued.sock}"
} >"$T/pued.yaml"
start_pued "$T/pued.yaml"
wait_for 60000 "all $N devices up" devices_jq "[.devices[] | select(.state == \"up\")] | length == $N"

sleep "$WARMUP" # let the spread first polls and v3 discovery settle
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
polls() { puectl devices --json | jq '[.devices[].polls] | add'; }
agents_ticks() { local t=0 p; for p in "${agent_pids[@]}"; do t=$((t + $(cpu_ticks "$p"))); done; echo $t; }
t0=$(($(date +%s%N) / 1000000))
cpu0=$(cpu_ticks "$PUED_PID") polls0=$(polls) acpu0=$(agents_ticks)
sleep "$SECS"
t1=$(($(date +%s%N) / 1000000))
cpu1=$(cpu_ticks "$PUED_PID") polls1=$(polls) acpu1=$(agents_ticks)
hwm=$(awk '/^VmHWM/ { print $2, $3 }' "/proc/$PUED_PID/status")
wait_for 5000 "the last second stored" bash -c "[ \$(sqlite3 '$T/pued.db' 'SELECT max(t) FROM samples') -ge $t1 ]"

n_polls=$((polls1 - polls0))
on_time=$(sqlite3 "$T/pued.db" "SELECT count(*) FROM (SELECT DISTINCT p.device, (s.t - $t0) / 1000
	FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'power' AND s.t >= $t0 AND s.t < $t0 + $SECS * 1000)")
health=$(puectl devices --json | jq -r '[.devices[] | .failures] | add as $f |
	"failures \($f)"')
skipped=$(puectl devices --json | jq '[.devices[].skipped] | add')
lat=$(puectl devices --json | jq '[.devices[].latency_ms] | max')
awk -v n="$N" -v secs="$SECS" -v dt="$((t1 - t0))" -v cpu="$((cpu1 - cpu0))" -v hz="$hz" \
	-v polls="$n_polls" -v ontime="$on_time" -v acpu="$((acpu1 - acpu0))" -v hwm="$hwm" \
	-v health="$health" -v skipped="$skipped" -v lat="$lat" 'BEGIN {
	printf "snmp: %d devices at 1 s, %d agents, %.1f s measured\n", n, '"$AGENTS"', dt / 1000
	printf "  polls                 %d (%.1f per second)\n", polls, polls / (dt / 1000)
	printf "  pued CPU              %.2f s: %.3f CPU-seconds per 1000 polls (%.1f%% of a core)\n", \
		cpu / hz, cpu / hz / polls * 1000, 100 * cpu / hz / (dt / 1000)
	printf "  polls on time         %d of %d device-seconds (%.2f%%)\n", ontime, n * secs, \
		100 * ontime / (n * secs)
	printf "  peak RSS (VmHWM)      %s\n", hwm
	printf "  %s, skipped %d, slowest last poll %d ms\n", health, skipped, lat
	printf "  snmpd CPU (all agents, not pued) %.2f s\n", acpu / hz
}'
stop_pid "$PUED_PID" 20000
