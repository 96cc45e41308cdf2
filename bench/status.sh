#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/status: `puectl status` under load (issue 18). pued polls
# BENCH_STATUS_METERS (1000) simulated Modbus TCP meters (8 unit ids per
# gateway port of pue-sim) and BENCH_STATUS_AGENTS (500) SNMP agent
# addresses (5 real snmpd processes, 100 ports each) every second; then a
# client makes BENCH_STATUS_REQUESTS (1000) status requests through the
# control socket, one connection each as puectl does, paced at
# BENCH_STATUS_RATE (100) a second, and times each from connect to the
# reply's last byte; then as many ping requests, the socket's floor on
# this machine at this moment.
#
# Prints the latency's p50, p99 and max, the reply's size, pued's CPU
# during the requests and during as long a window just before them, and
# the share of device-seconds with a stored sample (polls on time) in both
# windows, and the machine's load average before and after the requests
# (on a shared machine its scheduling is most of the tail). The run is
# bounded: the requests are counted, the windows last REQUESTS / RATE
# seconds. On a loaded machine set BENCH_STATUS_METERS=200
# BENCH_STATUS_AGENTS=100 and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
M=${BENCH_STATUS_METERS:-1000}
A=${BENCH_STATUS_AGENTS:-500}
REQS=${BENCH_STATUS_REQUESTS:-1000}
RATE=${BENCH_STATUS_RATE:-100}
WARMUP=${BENCH_STATUS_WARMUP:-10}
PER=8
SNMPD_PROCS=5
make -s "$BUILD/pued" "$BUILD/puectl" "$BUILD/pue-sim" "$BUILD/pue-snmp-pass"
. tests/integration/lib.sh
. tests/snmpsim/snmpd.sh
trap - ERR

ticks=$(getconf CLK_TCK)
cpu_s() { awk -v t="$ticks" '{ sub(/^.*\) /, ""); print ($12 + $13) / t }' "/proc/$1/stat"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

ports=$(((M + PER - 1) / PER))
start_sim sim --control "$T/sim.sock" --meters "$M" --units-per-port "$PER" --listen-ports "$ports"
mapfile -t P <"$T/sim.ports"
snmp_ports=()
for a in $(seq "$SNMPD_PROCS"); do
	start_snmpd "agent$a" $(((A + SNMPD_PROCS - 1) / SNMPD_PROCS))
	# shellcheck disable=SC2206
	snmp_ports+=($SNMPD_PORTS)
done
PLAY=1.3.6.1.4.1.8072.9999.9999.1
{
	printf 'site: "status bench"\npoll_interval: 1s\ndevices:\n'
	for k in $(seq 0 $((M - 1))); do
		printf '  - name: m%d\n    protocol: modbus_tcp\n' "$k"
		printf '    modbus: {host: 127.0.0.1, port: %s, unit_id: %d}\n' "${P[$((k / PER))]}" $((k % PER + 1))
		printf '    points:\n      - {name: p, register: 10, type: float32, unit: kW, kind: power}\n'
		printf '      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy%s}\n' \
			"$([ "$k" = 1 ] && echo ', measured_at: ups_output')"
	done
	for k in $(seq 0 $((A - 1))); do
		printf '  - name: s%d\n    protocol: snmp\n' "$k"
		printf '    snmp: {host: 127.0.0.1, port: %s, community: %s}\n    points:\n' \
			"${snmp_ports[$k]}" "$SNMP_COMMUNITY"
		echo "      - {name: p, oid: $PLAY.1.0, kind: power, unit: W}"
		echo "      - {name: e, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64}"
	done
	printf 'pue: {facility: {add: [m0/e]}, it: {add: [m1/e]}}\n'
	printf 'storage: {path: %s/pued.db}\ncontrol: {socket: %s/pued.sock}\n' "$T" "$T"
} >"$T/pued.yaml"

N=$((M + A))
echo "# pued: $M Modbus meters ($ports connections) + $A SNMP agents, 1 s polls; $REQS status requests at $RATE/s"
start_pued "$T/pued.yaml"
wait_for 120000 "all $N devices up" devices_jq "[.devices[] | select(.state == \"up\")] | length == $N"
sleep "$WARMUP"
secs_ms=$((REQS * 1000 / RATE))
# The quiet window, then the window of the requests, as long.
b0=$(now_ms) bc0=$(cpu_s "$PUED_PID")
sleep "$((secs_ms / 1000))"
t0=$(now_ms) c0=$(cpu_s "$PUED_PID")
# client CMD FILE: REQS requests of CMD at RATE, "ms bytes" a line to FILE.
client() {
python3 - "$T/pued.sock" "$REQS" "$RATE" "$1" >"$2" <<'PY'
import socket, sys, time
path, n, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
req = b'{"v":1,"cmd":"%s"}\n' % sys.argv[4].encode()
start = time.monotonic()
size = 0
for i in range(n):
    due = start + i / rate
    pause = due - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    t = time.perf_counter()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(req)
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    dt = (time.perf_counter() - t) * 1000
    if b'"ok":true' not in buf:
        sys.exit("not an ok reply: %r" % buf[:200])
    size = len(buf)
    print("%.3f %d" % (dt, size))
PY
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
client status "$T/latency"
t1=$(now_ms) c1=$(cpu_s "$PUED_PID")
load1=$(cut -d' ' -f1-3 /proc/loadavg)
# The floor: the same round trip for ping, which answers {} at once.
client ping "$T/latency-ping"
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$PUED_PID/status")
stop_pid "$PUED_PID" 20000 || true
sql "SELECT p.device, s.t FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name = 'e' AND s.t >= $b0 - 1000 AND s.t < $t1 + 1000" >"$T/samples"
# on_time FROM TO: the share of device-seconds of [FROM, TO) that have a
# stored sample, each device's seconds laid around its own poll phase.
python3 - "$T/samples" "$N" "$b0" "$t0" "$t0" "$t1" "$T/latency" "$T/latency-ping" \
	"$(echo "$bc0 $c0 $c1" | tr ' ' ,)" "$hwm" "$load0" "$load1" <<'PY'
import statistics, sys
samples, n = sys.argv[1], int(sys.argv[2])
windows = [(int(sys.argv[3]), int(sys.argv[4])), (int(sys.argv[5]), int(sys.argv[6]))]
cpu = [float(x) for x in sys.argv[9].split(",")]
by_dev = {}
for line in open(samples):
    d, t = line.strip().split("|")
    by_dev.setdefault(d, []).append(int(t))
def on_time(a, b):
    whole = (b - a) // 1000 - 1
    got = 0
    for ts in by_dev.values():
        phase = statistics.median(t % 1000 for t in ts)
        first = a - a % 1000 + phase - 500
        first += 1000 if first < a else 0
        got += len({(t - first) // 1000 for t in ts if first <= t < first + 1000 * whole})
    return 100.0 * got / (n * whole), got, n * whole
lat = sorted(float(l.split()[0]) for l in open(sys.argv[7]))
size = int(open(sys.argv[7]).readline().split()[1])
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
(qa, qb), (ra, rb) = windows
print("status    %d requests: p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d over 5 ms; reply %d bytes"
      % (len(lat), pick(0.50), pick(0.99), lat[-1], sum(x > 5 for x in lat), size))
print("pued CPU  %.1f%% of a core before, %.1f%% during the requests"
      % (100 * (cpu[1] - cpu[0]) / ((qb - qa) / 1000), 100 * (cpu[2] - cpu[1]) / ((rb - ra) / 1000)))
print("on time   before %.2f%% (%d of %d device-seconds), during %.2f%% (%d of %d)"
      % (on_time(qa, qb) + on_time(ra, rb)))
ping = sorted(float(l.split()[0]) for l in open(sys.argv[8]))
print("ping      %d requests (the socket's floor): p50 %.2f ms, p99 %.2f ms, max %.2f ms"
      % (len(ping), ping[len(ping) // 2], ping[min(len(ping) - 1, int(0.99 * len(ping)))], ping[-1]))
print("peak RSS  %s kB" % sys.argv[10])
print("load avg  %s before the status requests, %s after (1, 5, 15 min; %d cores)"
      % (sys.argv[11], sys.argv[12], __import__("os").cpu_count()))
PY
