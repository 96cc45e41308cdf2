#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/live_figure: the live figure ("now") of a campus at a true PUE of
# exactly 1.25, on real time (issue 18: at 1500 and 4500 devices the figure
# from 10 s of counter steps showed 1.11-1.30 and 3.03-3.77).
#
# BENCH_LIVE_METERS (4000) simulated Modbus meters, BENCH_LIVE_UNITS (16)
# unit ids behind each simulated gateway port: the first half IT of
# 0.36..5.8 kW, the second half facility at 1.25 x each, read only from
# their float32 kWh registers near 100,000 kWh (7.8 Wh steps, one every 5
# to 78 s; each counter starts at its own point of a step, as real meters
# do: pue-sim's default all start on a step boundary at once, which lines
# up their errors). And BENCH_LIVE_AGENTS (500) SNMP devices, each its own
# port of BENCH_SNMP_AGENTS (5) real snmpd processes through pue-snmp-pass,
# whose facility and IT power points (W) read 5 and 4 kW, both swinging by
# +-2 % over 10 minutes together: 1.25 too. pued polls everything every
# second.
#
# Prints, after the warm-up (the figure out of "warming_up", at most
# BENCH_LIVE_WARMUP_S, 400 s), the live figure sampled once a second for
# BENCH_LIVE_SECONDS (60): its min and max (as shown, and facility_kw /
# it_kw unrounded), the states and the lowest coverage; then pued's CPU,
# polls on time (polls counted against device-seconds) and peak RSS, and
# the simulators' CPU beside it. Measures; asserts nothing. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
N=${BENCH_LIVE_METERS:-4000}
PER=${BENCH_LIVE_UNITS:-16}
A=${BENCH_LIVE_AGENTS:-500}
AGENTS=${BENCH_SNMP_AGENTS:-5}
SECS=${BENCH_LIVE_SECONDS:-60}
WARMUP=${BENCH_LIVE_WARMUP_S:-400}
make -s "$BUILD/pued" "$BUILD/puectl" "$BUILD/pue-sim" "$BUILD/pue-snmp-pass"
. tests/integration/lib.sh
. tests/snmpsim/snmpd.sh
trap - ERR

ticks=$(getconf CLK_TCK)
cpu_s() { awk -v t="$ticks" '{ sub(/^.*\) /, ""); print ($12 + $13) / t }' "/proc/$1/stat"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

IT=$((N / 2))
ports=$(((N + PER - 1) / PER))
start_sim sim --control "$T/sim.sock" --meters "$N" --units-per-port "$PER" \
	--listen-ports "$ports" \
	--meter-kw "0-$((IT - 1))=0.36:5.8,$IT-$((N - 1))=0.45:7.25" \
	--meter-kwh "0-$((N - 1))=100000:$(awk -v n="$N" 'BEGIN { printf "%.4f", 100000 + 0.9967 * (n - 1) }')"
mapfile -t P <"$T/sim.ports"

sports=()
agent_pids=()
if [ "$A" -gt 0 ]; then
	export PUE_SNMP_SIM_FACILITY_KW=5 PUE_SNMP_SIM_IT_KW=4
	per=$(((A + AGENTS - 1) / AGENTS))
	for a in $(seq "$AGENTS"); do
		start_snmpd "agent$a" "$per"
		agent_pids+=("$SNMPD_PID")
		# shellcheck disable=SC2206
		sports+=($SNMPD_PORTS)
	done
fi

PLAY=1.3.6.1.4.1.8072.9999.9999.1
fac=() it=()
{
	printf 'site: "live figure bench"\npoll_interval: 1s\ndevices:\n'
	for k in $(seq 0 $((N - 1))); do
		at=""
		[ "$k" -lt "$IT" ] && at=", measured_at: ups_output"
		printf '  - name: m%d\n    protocol: modbus_tcp\n' "$k"
		printf '    modbus: {host: 127.0.0.1, port: %s, unit_id: %d}\n' "${P[$((k / PER))]}" $((k % PER + 1))
		printf '    points:\n      - {name: e, register: 24, function: input, type: float32, unit: kWh, kind: energy%s}\n' "$at"
	done
	for i in $(seq 0 $((A - 1))); do
		printf '  - name: a%d\n    protocol: snmp\n    snmp: {host: 127.0.0.1, port: %s, community: %s}\n' \
			"$i" "${sports[$i]}" "$SNMP_COMMUNITY"
		printf '    points:\n      - {name: f, oid: %s.1.0, kind: power, unit: W}\n' "$PLAY"
		printf '      - {name: i, oid: %s.2.0, kind: power, unit: W, measured_at: ups_output}\n' "$PLAY"
	done
	printf 'pue:\n  facility: {add: [%s' "$(seq -s, -f 'm%g/e' "$IT" $((N - 1)))"
	[ "$A" -gt 0 ] && printf ',%s' "$(seq -s, -f 'a%g/f' 0 $((A - 1)))"
	printf ']}\n  it: {add: [%s' "$(seq -s, -f 'm%g/e' 0 $((IT - 1)))"
	[ "$A" -gt 0 ] && printf ',%s' "$(seq -s, -f 'a%g/i' 0 $((A - 1)))"
	printf ']}\n  windows: [15m]\n  alert_window: 15m\n  ceiling: 1.25\n  warning: 1.22\n'
	printf 'storage: {path: %s/pued.db}\ncontrol: {socket: %s/pued.sock}\n' "$T" "$T"
} >"$T/pued.yaml"

echo "# live figure: $N Modbus meters ($PER per gateway port, float32 kWh counters) + $A SNMP devices ($AGENTS snmpd), true PUE 1.25, 1 s polls"
start_pued "$T/pued.yaml"
t_start=$(now_ms)
wait_for $((WARMUP * 1000)) "the live figure with a number (warmed up)" \
	status_jq '.instant.pue != null'
echo "# warm-up: $((($(now_ms) - t_start) / 1000)) s after pued started"

polls() { puectl devices --json | jq '[.devices[].polls] | add'; }
agents_cpu() {
	local c=0 p
	for p in "${agent_pids[@]}"; do c=$(awk -v a="$c" -v b="$(cpu_s "$p")" 'BEGIN { print a + b }'); done
	echo "$c"
}
c0=$(cpu_s "$PUED_PID") p0=$(polls) t0=$(now_ms) s0=$(cpu_s "$SIM_PID") a0=$(agents_cpu)
for _ in $(seq "$SECS"); do
	next=$(($(now_ms) + 1000))
	puectl status --json | jq -r '.instant | "\(.pue) \(.state) \(.coverage) \(if .it_kw > 0 then .facility_kw / .it_kw else "null" end)"'
	# once a second: sleep what is left of it (the status call takes some)
	left=$((next - $(now_ms)))
	[ "$left" -gt 0 ] && sleep "$(awk -v l="$left" 'BEGIN { print l / 1000 }')"
done >"$T/now.txt"
c1=$(cpu_s "$PUED_PID") p1=$(polls) t1=$(now_ms) s1=$(cpu_s "$SIM_PID") a1=$(agents_cpu)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$PUED_PID/status")
stop_pid "$PUED_PID" 20000 || true

python3 - "$T/now.txt" <<PY
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
shown = [float(r[0]) for r in rows if r[0] != "null"]
ratio = [float(r[3]) for r in rows if r[3] != "null"]
states = {}
for r in rows:
    states[r[1]] = states.get(r[1], 0) + 1
cov = min(float(r[2]) for r in rows)
print("now       %d samples: shown %s..%s, facility/IT %s..%s; states %s; lowest coverage %.4f"
      % (len(rows), "%.3f" % min(shown) if shown else "-", "%.3f" % max(shown) if shown else "-",
         "%.5f" % min(ratio) if ratio else "-", "%.5f" % max(ratio) if ratio else "-",
         ", ".join("%s %d" % kv for kv in sorted(states.items())), cov))
secs = ($t1 - $t0) / 1000
n = $N + $A
print("pued      %.1f s: %.1f%% of a core, polls %d of %d device-seconds (%.2f%%), peak RSS %s kB"
      % (secs, 100 * ($c1 - $c0) / secs, $p1 - $p0, n * secs, 100 * ($p1 - $p0) / (n * secs), "$hwm"))
print("simulators (not pued): pue-sim %.1f%%, snmpd %.1f%% of a core"
      % (100 * ($s1 - $s0) / secs, 100 * ($a1 - $a0) / secs))
PY
