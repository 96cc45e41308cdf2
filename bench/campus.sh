#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/campus: a campus on one host (issue 18). pued polls BENCH_CAMPUS_METERS
# (4000) simulated Modbus TCP meters and BENCH_CAMPUS_AGENTS (500) SNMP
# agents every second, all on this machine with the simulators beside it.
#
# The meters, as a campus has them: one in eight with an address of its
# own (a port each, unit id 1), half behind large gateways of
# BENCH_CAMPUS_GATEWAY_UNITS (200) unit ids polled over
# BENCH_CAMPUS_CONNECTIONS (4) connections each (modbus.connections), and
# the rest behind small gateways of 8 unit ids on one connection. Each meter
# is a float32 kW power and a uint64 Wh counter, one 22-register read. The
# simulators are pue-sim processes (one per 250 meters of their own
# address, as each has at most 256 ports, one for the large gateways, one
# for the small). The agents are as bench/snmp.sh's: a port each on
# BENCH_SNMP_AGENTS (5) real snmpd processes answering through
# pue-snmp-pass, one in five SNMPv3 authPriv (SHA-256, AES-128), one in ten
# also summing a 3-row column.
#
# After all devices are up and BENCH_CAMPUS_WARMUP (10) seconds more, it
# measures BENCH_CAMPUS_SECONDS (60): device-seconds on time (a stored
# sample of each device in each one-second interval, intervals laid around
# each device's own phase, as bench/modbus.sh), polls and skipped polls,
# pued's CPU, peak RSS (VmHWM: over its life, and since the warm-up; and
# at the end, file-backed pages and anonymous memory) and most threads
# seen, the simulators' CPU (pue-sim, snmpd and its pue-snmp-pass
# children) and the load average.
# With collectd 5.12 installed (Debian collectd-core) and
# BENCH_CAMPUS_COLLECTD=1 (the default below 1000 devices) collectd polls
# the same meters and agents in the same run, beside pued (its modbus
# plugin, one request per value; its snmp plugin, SNMPv2c for all: its
# SNMPv3 knows no SHA-256), and its peak RSS is printed beside pued's:
# `BENCH_CAMPUS_METERS=200 BENCH_CAMPUS_AGENTS=100 BENCH=campus make bench`.
# collectd stores nothing unless BENCH_CAMPUS_COLLECTD_WRITE names its csv or
# rrdtool plugin.
# Measures; asserts nothing. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
N=${BENCH_CAMPUS_METERS:-4000}
A=${BENCH_CAMPUS_AGENTS:-500}
SECS=${BENCH_CAMPUS_SECONDS:-60}
WARMUP=${BENCH_CAMPUS_WARMUP:-10}
BIGU=${BENCH_CAMPUS_GATEWAY_UNITS:-200}
CONNS=${BENCH_CAMPUS_CONNECTIONS:-4}
AGENTS=${BENCH_SNMP_AGENTS:-5}
COLLECTD=${BENCH_CAMPUS_COLLECTD:-$([ $((N + A)) -lt 1000 ] && echo 1 || echo 0)}
CD_WRITE=${BENCH_CAMPUS_COLLECTD_WRITE:-}
make -s "$BUILD/pued" "$BUILD/puectl" "$BUILD/pue-sim" "$BUILD/pue-snmp-pass" "$BUILD/pue_samples.so"
. tests/integration/lib.sh
. tests/snmpsim/snmpd.sh
trap - ERR

ticks=$(getconf CLK_TCK)
cpu_s() { # cpu_s PID...: utime + stime of each, in seconds, summed
	local p
	for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
		awk -v t="$ticks" '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s / t + 0 }'
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
children() { local p; for p in "$@"; do pgrep -P "$p" || true; done; }
# RSS now, split: file-backed pages (the program's and libraries' code and
# data, shared with every process that maps them) and anonymous memory
# (heap, stacks, private copies): where a gap between two programs is.
rss_split() {
	awk '/^Rss:/ { r = $2 } /^Anonymous:/ { a = $2 }
		END { printf "RSS now %d kB: %d kB file-backed pages (program and libraries), %d kB anonymous (heap, stacks)", r, r - a, a }' \
		"/proc/$1/smaps_rollup"
}
# File-backed RSS per mapped file (its basename), "name kB" lines: which
# program or library the file-backed part of a gap is.
file_rss() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { n = NF >= 6 ? $6 : "" ; sub(/.*\//, "", n) }
		/^Rss:/ { r[n] += $2 } /^Anonymous:/ { r[n] -= $2 }
		END { for (n in r) if (n != "" && n !~ /^\[/ && r[n] > 0) print n, r[n] }' "/proc/$1/smaps"
}

# The meters' layout.
OWN=$((N / 8))
BIG=$((N / 2))
SMALL=$((N - OWN - BIG))
sims=()
layout=() # per meter: "port unit" of its simulator
own_left=$OWN s=0
while [ "$own_left" -gt 0 ]; do
	k=$((own_left < 250 ? own_left : 250))
	start_sim "own$s" --meters "$k" --units-per-port 1 --listen-ports "$k"
	sims+=("$SIM_PID")
	mapfile -t P <"$T/own$s.ports"
	for i in $(seq 0 $((k - 1))); do layout+=("${P[$i]} 1 own"); done
	own_left=$((own_left - k)) s=$((s + 1))
done
if [ "$BIG" -gt 0 ]; then
	gw=$(((BIG + BIGU - 1) / BIGU))
	start_sim big --meters "$BIG" --units-per-port "$BIGU" --listen-ports "$gw"
	sims+=("$SIM_PID")
	mapfile -t P <"$T/big.ports"
	for i in $(seq 0 $((BIG - 1))); do layout+=("${P[$((i / BIGU))]} $((i % BIGU + 1)) big"); done
fi
if [ "$SMALL" -gt 0 ]; then
	gw=$(((SMALL + 7) / 8))
	start_sim small --meters "$SMALL" --units-per-port 8 --listen-ports "$gw"
	sims+=("$SIM_PID")
	mapfile -t P <"$T/small.ports"
	for i in $(seq 0 $((SMALL - 1))); do layout+=("${P[$((i / 8))]} $((i % 8 + 1)) small"); done
fi

sports=()
agent_pids=()
if [ "$A" -gt 0 ]; then
	n_snmpd=$((A < AGENTS ? A : AGENTS))
	for a in $(seq "$n_snmpd"); do
		start_snmpd "agent$a" $(((A + n_snmpd - 1) / n_snmpd))
		agent_pids+=("$SNMPD_PID")
		# shellcheck disable=SC2206
		sports+=($SNMPD_PORTS)
	done
fi

PLAY=1.3.6.1.4.1.8072.9999.9999.1
{
	printf 'site: "scale bench"\npoll_interval: 1s\ndevices:\n'
	for k in $(seq 0 $((N - 1))); do
		read -r port unit kind <<<"${layout[$k]}"
		conn=""
		[ "$kind" = big ] && [ "$unit" = 1 ] && conn=", connections: $CONNS"
		printf '  - name: m%d\n    protocol: modbus_tcp\n' "$k"
		printf '    modbus: {host: 127.0.0.1, port: %s, unit_id: %d%s}\n' "$port" "$unit" "$conn"
		printf '    points:\n      - {name: p, register: 10, type: float32, unit: kW, kind: power}\n'
		printf '      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy%s}\n' \
			"$([ "$k" = 1 ] && echo ', measured_at: ups_output')"
	done
	for i in $(seq 0 $((A - 1))); do
		if [ $((i % 5)) -eq 4 ]; then
			auth="version: 3, user: pued-sha256, auth_protocol: sha256, auth_passphrase: pued-auth-256, priv_passphrase: pued-priv-aes"
		else
			auth="community: $SNMP_COMMUNITY"
		fi
		printf '  - name: a%d\n    protocol: snmp\n    snmp: {host: 127.0.0.1, port: %s, %s}\n    points:\n' \
			"$i" "${sports[$i]}" "$auth"
		echo "      - {name: power, oid: $PLAY.1.0, kind: power, unit: W}"
		echo "      - {name: energy, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64}"
		if [ $((i % 10)) -eq 3 ]; then
			echo "      - {name: lines, oid: $PLAY.11, sum_column: true, kind: power, unit: W}"
		fi
	done
	printf 'pue: {facility: {add: [m0/e]}, it: {add: [m1/e]}}\n'
	printf 'storage: {path: %s/pued.db}\ncontrol: {socket: %s/pued.sock}\n' "$T" "$T"
} >"$T/pued.yaml"

write_collectd_conf() {
	mkdir -p "$T/collectd"
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
EOT
	# Storage, as pued stores every sample: none by default (as issue 18
	# measured collectd), or BENCH_CAMPUS_COLLECTD_WRITE=csv or rrdtool (the
	# write plugin Debian's own collectd.conf loads) into $T/collectd.
	case $CD_WRITE in
	"") ;;
	csv | rrdtool) printf 'LoadPlugin %s\n<Plugin %s>\n  DataDir "%s/collectd/data"\n</Plugin>\n' \
		"$CD_WRITE" "$CD_WRITE" "$T" ;;
	*) echo "campus: BENCH_CAMPUS_COLLECTD_WRITE wants csv or rrdtool, not '$CD_WRITE'" >&2; exit 2 ;;
	esac
	cat <<EOT
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
	local k port unit kind last=""
	for k in $(seq 0 $((N - 1))); do
		read -r port unit kind <<<"${layout[$k]}"
		if [ "$port" != "$last" ]; then
			[ -z "$last" ] || printf '  </Host>\n'
			printf '  <Host "g%s">\n    Address "127.0.0.1"\n    Port "%s"\n    Interval 1\n' "$port" "$port"
			last=$port
		fi
		printf '    <Slave %d>\n      Instance "m%d"\n      Collect "p"\n      Collect "e"\n    </Slave>\n' "$unit" "$k"
	done
	[ -z "$last" ] || printf '  </Host>\n'
	echo "</Plugin>"
	[ "$A" -gt 0 ] || return 0
	cat <<EOT
LoadPlugin snmp
<Plugin snmp>
  <Data "power">
    Type "gauge"
    Table false
    Instance "power"
    Values "$PLAY.1.0"
  </Data>
  <Data "energy">
    Type "counter"
    Table false
    Instance "energy"
    Values "$PLAY.4.0"
  </Data>
  <Data "lines">
    Type "gauge"
    Table true
    Instance ""
    Values "$PLAY.11"
  </Data>
EOT
	for i in $(seq 0 $((A - 1))); do
		printf '  <Host "a%d">\n    Address "127.0.0.1:%s"\n    Version 2\n    Community "%s"\n' \
			"$i" "${sports[$i]}" "$SNMP_COMMUNITY"
		printf '    Collect "power" "energy"%s\n    Interval 1\n  </Host>\n' \
			"$([ $((i % 10)) -eq 3 ] && echo ' "lines"')"
	done
	echo "</Plugin>"
}

echo "# campus: $N Modbus meters ($OWN on an address of their own, $BIG behind gateways of $BIGU unit ids on $CONNS connections each, $SMALL behind gateways of 8) + $A SNMP agents ($AGENTS snmpd), 1 s polls; $(nproc) cores"
read -r la0 _ </proc/loadavg
start_pued "$T/pued.yaml"
t_start=$(now_ms)
all_up() { puectl devices --json | jq -e "[.devices[] | select(.state == \"up\")] | length == $((N + A))"; }
wait_for 120000 "all $((N + A)) devices up" all_up
echo "# all up $((($(now_ms) - t_start) / 1000)) s after pued started"
CD_PID=""
if [ "$COLLECTD" = 1 ]; then
	if command -v collectd >/dev/null && [ -e /usr/lib/collectd/modbus.so ] &&
		{ [ "$A" = 0 ] || [ -e /usr/lib/collectd/snmp.so ]; }; then
		write_collectd_conf >"$T/collectd.conf"
		start collectd collectd -f -C "$T/collectd.conf"
		CD_PID=$LAST_PID
		echo "# collectd $(collectd -h 2>&1 | sed -n 's/^collectd \([0-9][0-9.]*[0-9]\).*/\1/p') beside pued, the same devices${CD_WRITE:+, storing with its $CD_WRITE plugin}"
	else
		echo "# collectd: not installed (Debian collectd-core, tools/install-deps bench): not compared"
	fi
fi
sleep "$WARMUP"

devjson() { puectl devices --json | jq -c '[([.devices[].polls] | add), ([.devices[].skipped] | add), ([.devices[].failures] | add)]'; }
agent_tree=("${agent_pids[@]}")
# shellcheck disable=SC2207
agent_tree+=($(children "${agent_pids[@]}"))
threads_max=0 cd0=0 cd1=0
c0=$(cpu_s "$PUED_PID") s0=$(cpu_s "${sims[@]}") a0=$(cpu_s "${agent_tree[@]}") t0=$(now_ms)
[ -z "$CD_PID" ] || cd0=$(cpu_s "$CD_PID")
d0=$(devjson)
# The peak so far is the start's (the configuration, first connections,
# SNMPv3 discovery) and the control answers above (puectl devices --json
# of every device); from here on, polling's alone (clear_refs 5 resets
# VmHWM to the RSS now).
hwm_start=$(awk '/VmHWM/ { print $2 }' "/proc/$PUED_PID/status")
echo 5 >"/proc/$PUED_PID/clear_refs"
for _ in $(seq "$SECS"); do
	sleep 1
	th=$(awk '/^Threads/ { print $2 }' "/proc/$PUED_PID/status")
	[ "$th" -le "$threads_max" ] || threads_max=$th
done
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$PUED_PID/status")
pued_split=$(rss_split "$PUED_PID")
cd_split=""
[ -z "$CD_PID" ] || cd_split=$(rss_split "$CD_PID")
file_rss "$PUED_PID" >"$T/pued.files"
[ -z "$CD_PID" ] || file_rss "$CD_PID" >"$T/collectd.files"
threads_end=$(awk '/^Threads/ { print $2 }' "/proc/$PUED_PID/status")
c1=$(cpu_s "$PUED_PID") s1=$(cpu_s "${sims[@]}") a1=$(cpu_s "${agent_tree[@]}") d1=$(devjson) t1=$(now_ms)
[ -z "$CD_PID" ] || cd1=$(cpu_s "$CD_PID")
read -r la1 _ </proc/loadavg
cd_hwm=""
if [ -n "$CD_PID" ]; then
	cd_hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$CD_PID/status")
	stop_pid "$CD_PID" 10000 || true
fi
stop_pid "$PUED_PID" 20000 || true

# Device-seconds on time: each device's power point (Modbus p, SNMP
# power), one sample in each interval laid around its phase.
sql "SELECT p.device, s.t FROM samples s JOIN points p ON p.id = s.point
	WHERE p.name IN ('p', 'power') AND s.t >= $t0 - 1000 AND s.t < $t1 + 1000" >"$T/samples"
python3 - "$T/samples" "$t0" "$t1" "$((N + A))" "$d0" "$d1" <<PY
import json, statistics, sys
t0, t1, n = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
(p0, k0, f0), (p1, k1, f1) = json.loads(sys.argv[5]), json.loads(sys.argv[6])
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
secs = (t1 - t0) / 1000
cpu, sim, agents = $c1 - $c0, $s1 - $s0, $a1 - $a0
print("on time   %.2f%% of device-seconds (%d of %d); %d polls (%.1f%% of %d device-seconds), %d skipped, %d failed"
      % (100.0 * hit / (n * k), hit, n * k, p1 - p0, 100.0 * (p1 - p0) / (n * secs), n * secs,
         k1 - k0, f1 - f0))
life = max($hwm_start, $hwm)
print("pued      %.1f s: %.1f%% of a core, %.3f CPU-s per 1000 polls; threads: at most $threads_max, $threads_end at the end"
      % (secs, 100 * cpu / secs, 1000 * cpu / max(p1 - p0, 1)))
print("pued      peak RSS %d kB (%.1f MiB) over its life, %d kB (%.1f MiB) while polling after the warm-up"
      % (life, life / 1024, $hwm, $hwm / 1024))
print("pued      $pued_split")
print("sims      pue-sim %.1f%% of a core (${#sims[@]} processes), snmpd + pue-snmp-pass %.1f%% (${#agent_tree[@]} processes): not pued's"
      % (100 * sim / secs, 100 * agents / secs))
if "$cd_hwm":
    print("collectd  %.1f%% of a core; peak RSS $cd_hwm kB (%.1f MiB), the same devices, same run"
          % (100 * ($cd1 - $cd0) / secs, int("$cd_hwm") / 1024))
    print("collectd  $cd_split")
    # Where the file-backed pages differ, by file (32 kB and more): pued's
    # own libraries against collectd's plugins and theirs.
    def files(path):
        return {n: int(k) for n, k in (l.split() for l in open(path))}
    pf, cf = files("$T/pued.files"), files("$T/collectd.files")
    diff = sorted(((pf.get(n, 0) - cf.get(n, 0), n) for n in set(pf) | set(cf)),
                  key=lambda x: (-abs(x[0]), x[1]))
    print("file-backed pued - collectd: %+d kB; by file: %s" % (
        sum(pf.values()) - sum(cf.values()),
        ", ".join("%s %+d" % (n, d) for d, n in diff if abs(d) >= 32) or "none over 32 kB"))
print("load      %s at the start, %s at the end ($(nproc) cores)" % ("$la0", "$la1"))
PY
grep -m3 -i 'error' "$T/collectd.log" 2>/dev/null | sed 's/^/collectd  log: /' || true
