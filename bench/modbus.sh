#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/modbus: pued polling 1000 simulated Modbus TCP meters every second,
# BENCH_MODBUS_UNITS (8) unit ids behind each simulated gateway port, so
# 125 connections; each meter is two points (power float32, energy uint64)
# that merge into one 22-register read.
#
# Prints pued's CPU-seconds per 1000 device polls (utime + stime from
# /proc/PID/stat over the measured window), requests per poll (the
# simulator's count over pued's), polls on time (a stored sample of every
# meter in every one-second interval, from the samples table; intervals
# laid around each meter's own phase), peak RSS (VmHWM) and threads.
# Then, against the same simulator in the same run: collectd 5.12's modbus
# plugin (Debian collectd-core) reading the same two values of every meter
# (one request per value, its design; no write plugin, so its cost is
# polling only), and a bare single-threaded libmodbus loop (bench/
# modbus_floor.c) as the floor.
#
# Bounded: BENCH_MODBUS_DEVICES (1000), BENCH_MODBUS_SECONDS (60) measured
# seconds after BENCH_MODBUS_WARMUP (10); the peers run BENCH_MODBUS_PEER_SECONDS
# (30) each. BENCH_MODBUS_COLLECTD=0 skips collectd. Loopback only: no
# network latency or loss, so this measures cost per poll, not a network.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
N=${BENCH_MODBUS_DEVICES:-1000}
PER=${BENCH_MODBUS_UNITS:-8}
SECS=${BENCH_MODBUS_SECONDS:-60}
WARMUP=${BENCH_MODBUS_WARMUP:-10}
PEER_SECS=${BENCH_MODBUS_PEER_SECONDS:-30}
COLLECTD=${BENCH_MODBUS_COLLECTD:-1}
make -s "$BUILD/pued" "$BUILD/puectl" "$BUILD/pue-sim" "$BUILD/bench/modbus_floor"
. tests/integration/lib.sh
trap - ERR

ticks=$(getconf CLK_TCK)
cpu_s() { # cpu_s PID: utime + stime in seconds
	awk -v t="$ticks" '{ sub(/^.*\) /, ""); print ($12 + $13) / t }' "/proc/$1/stat"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
requests() { sim_cmd stats | jq .requests; }

ports=$(((N + PER - 1) / PER))
start_sim sim --control "$T/sim.sock" --meters "$N" --units-per-port "$PER" --listen-ports "$ports"
mapfile -t P <"$T/sim.ports"
{
	printf 'site: "bench"\npoll_interval: 1s\ndevices:\n'
	for k in $(seq 0 $((N - 1))); do
		printf '  - name: m%d\n    protocol: modbus_tcp\n' "$k"
		printf '    modbus: {host: 127.0.0.1, port: %s, unit_id: %d}\n' "${P[$((k / PER))]}" $((k % PER + 1))
		printf '    points:\n      - {name: p, register: 10, type: float32, unit: kW, kind: power}\n'
		printf '      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy%s}\n' \
			"$([ "$k" = 1 ] && echo ', measured_at: ups_output')"
	done
	printf 'pue: {facility: {add: [m0/e]}, it: {add: [m1/e]}}\n'
	printf 'storage: {path: %s/pued.db}\ncontrol: {socket: %s/pued.sock}\n' "$T" "$T"
} >"$T/pued.yaml"

echo "# pued: $N meters, $PER unit ids per connection, $ports connections, 1 s polls"
start_pued "$T/pued.yaml"
wait_for 60000 "all $N meters up" devices_jq "[.devices[] | select(.state == \"up\")] | length == $N"
sleep "$WARMUP"
polls() { puectl devices --json | jq '[.devices[].polls] | add'; }
c0=$(cpu_s "$PUED_PID") p0=$(polls) r0=$(requests) t0=$(now_ms) sc0=$(cpu_s "$SIM_PID")
sleep "$SECS"
c1=$(cpu_s "$PUED_PID") p1=$(polls) r1=$(requests) t1=$(now_ms) sc1=$(cpu_s "$SIM_PID")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$PUED_PID/status")
threads=$(awk '/Threads/ {print $2}' "/proc/$PUED_PID/status")
stop_pid "$PUED_PID" 10000 || true
sql "SELECT p.device, s.t FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'e' AND s.t >= $t0 - 1000 AND s.t < $t1 + 1000" >"$T/samples"
ontime=$(python3 - "$T/samples" "$t0" "$t1" "$N" <<'PY'
import statistics, sys
t0, t1, n = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ts = {}
for line in open(sys.argv[1]):
    d, t = line.strip().split("|")
    ts.setdefault(d, []).append(int(t))
k = (t1 - t0) // 1000 - 1  # whole intervals inside the window for any phase
hit = 0
for d, t in ts.items():
    phase = statistics.median(x % 1000 for x in t)
    first = t0 - t0 % 1000 + phase - 500
    if first < t0:
        first += 1000
    hit += len({int((x - first) // 1000) for x in t if first <= x < first + 1000 * k})
print("%.2f%% (%d of %d meter-seconds)" % (100.0 * hit / (n * k), hit, n * k))
PY
)
python3 - <<PY
cpu, polls, req, secs = $c1 - $c0, $p1 - $p0, $r1 - $r0, ($t1 - $t0) / 1000
print("pued      %.1f s: %d polls (%.1f/s), %.3f CPU-s per 1000 device polls, %.2f requests per poll"
      % (secs, polls, polls / secs, cpu * 1000 / polls, req / polls))
print("pued      polls on time: $ontime; peak RSS $hwm kB; $threads threads")
print("simulator %.3f CPU-s per 1000 requests (not pued's)" % (($sc1 - $sc0) * 1000 / req))
PY

if [ "$COLLECTD" = 1 ] && command -v collectd >/dev/null && [ -e /usr/lib/collectd/modbus.so ]; then
	mkdir -p "$T/collectd"
	{
		cat <<EOT
Hostname "bench"
BaseDir "$T/collectd"
PIDFile "$T/collectd/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
Interval 1
ReadThreads 5
LoadPlugin logfile
<Plugin logfile>
  LogLevel warning
  File "$T/collectd.log"
</Plugin>
LoadPlugin modbus
<Plugin modbus>
  <Data "p">
    RegisterBase 10
    RegisterType float
    RegisterCmd ReadHolding
    Type gauge
    Instance "p"
  </Data>
  <Data "e">
    RegisterBase 28
    RegisterType Uint64
    RegisterCmd ReadHolding
    Type counter
    Instance "e"
  </Data>
EOT
		for c in $(seq 0 $((ports - 1))); do
			printf '  <Host "g%d">\n    Address "127.0.0.1"\n    Port "%s"\n    Interval 1\n' "$c" "${P[$c]}"
			for u in $(seq 1 "$PER"); do
				[ $((c * PER + u)) -le "$N" ] || break
				printf '    <Slave %d>\n      Instance "m%d"\n      Collect "p"\n      Collect "e"\n    </Slave>\n' \
					"$u" $((c * PER + u - 1))
			done
			printf '  </Host>\n'
		done
		echo "</Plugin>"
	} >"$T/collectd.conf"
	echo "# collectd $(collectd -h 2>&1 | sed -n 's/^collectd \([0-9][0-9.]*[0-9]\).*/\1/p'): the same meters, its modbus plugin, 5 read threads"
	start collectd collectd -f -C "$T/collectd.conf"
	CD_PID=$LAST_PID
	sleep "$WARMUP"
	c0=$(cpu_s "$CD_PID") r0=$(requests) t0=$(now_ms)
	sleep "$PEER_SECS"
	c1=$(cpu_s "$CD_PID") r1=$(requests) t1=$(now_ms)
	hwm=$(awk '/VmHWM/ {print $2}' "/proc/$CD_PID/status")
	stop_pid "$CD_PID" 10000 || true
	python3 - <<PY
cpu, req, secs = $c1 - $c0, $r1 - $r0, ($t1 - $t0) / 1000
polls = req / 2  # one request per value, two values a meter
print("collectd  %.1f s: %d device polls (%.1f/s of $N wanted), %.3f CPU-s per 1000 device polls, 2 requests per poll; peak RSS $hwm kB"
      % (secs, polls, polls / secs, cpu * 1000 / polls if polls else float("nan")))
PY
	grep -m3 -i 'error' "$T/collectd.log" 2>/dev/null | sed 's/^/collectd  log: /' || true
else
	echo "collectd  skipped (BENCH_MODBUS_COLLECTD=0, or collectd-core's modbus plugin missing)"
fi

"$BIN/bench/modbus_floor" "$T/sim.ports" "$N" "$PER" "$PEER_SECS" >"$T/floor.out"
read -r _ req _ failed _ cpu _ per <"$T/floor.out"
echo "floor     bare libmodbus loop, 1 thread: $req requests ($failed failed), $per CPU-s per 1000 requests"
