#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/rawstore: bytes per stored raw sample (issue 18) with the point mix
# of 1000 Modbus meters and 500 SNMP agents polled every second, in real
# time, as bench/modbus.sh and bench/snmp.sh poll them: a meter is a
# float32 kW power (constant, 1 + k kW for meter k) and a uint64 Wh counter
# (100000 + k kWh, growing at that power); an agent an INTEGER W power and
# a Counter64 Wh energy following 960 kW x (1 + 0.02 sin(2 pi t / 600 s)),
# one in ten with a 3-row Gauge32 column summed, one in five over SNMPv3.
# Times are stamped when answers come, so they jitter as they would live.
#
# After BENCH_RAW_SECONDS (3600) pued is stopped (its last checkpoint
# empties raw_tail) and the database is measured: the pages of raw_blocks,
# its index, raw_open and raw_tail (dbstat) per stored sample; the pages
# in use and the file; the block forms; and the same samples copied into
# schema 4's samples table (one row a sample), measured the same way.
#
# Bounded: BENCH_RAW_METERS (1000) simulated meters and BENCH_RAW_AGENTS
# (500) agents; BENCH_RAW_STRIDE (1) polls every S-th meter (k = 0, S,
# 2S, ...: the same powers and counter speeds, spread as widely) and the
# first 1/S of the agents (the same mix), for a machine that cannot spare
# the full scale for an hour: bytes per sample depend on the points'
# values, not on how many there are. The hour's file at full scale is then
# projected from the samples per second per point.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
METERS=${BENCH_RAW_METERS:-1000}
AGENTS=${BENCH_RAW_AGENTS:-500}
STRIDE=${BENCH_RAW_STRIDE:-1}
SECS=${BENCH_RAW_SECONDS:-3600}
PER=8 # unit ids behind each simulated gateway port, as bench/modbus.sh
make -s "$BUILD/pued" "$BUILD/puectl" "$BUILD/pue-sim" "$BUILD/pue-snmp-pass" \
	"$BUILD/pue_samples.so"
. tests/integration/lib.sh
. tests/snmpsim/snmpd.sh
trap - ERR

n_agents=$(((AGENTS + STRIDE - 1) / STRIDE))
ports=$(((METERS + PER - 1) / PER))
start_sim sim --control "$T/sim.sock" --meters "$METERS" --units-per-port "$PER" --listen-ports "$ports"
mapfile -t P <"$T/sim.ports"
n_snmpd=$((n_agents < 5 ? n_agents : 5))
agent_ports=()
for a in $(seq "$n_snmpd"); do
	start_snmpd "agent$a" $(((n_agents + n_snmpd - 1) / n_snmpd))
	# shellcheck disable=SC2206
	agent_ports+=($SNMPD_PORTS)
done

PLAY=1.3.6.1.4.1.8072.9999.9999.1
devices=0
{
	printf 'site: "raw store bench"\npoll_interval: 1s\ndevices:\n'
	for ((k = 0; k < METERS; k += STRIDE)); do
		printf '  - name: m%d\n    protocol: modbus_tcp\n' "$k"
		printf '    modbus: {host: 127.0.0.1, port: %s, unit_id: %d}\n' "${P[$((k / PER))]}" $((k % PER + 1))
		printf '    points:\n      - {name: p, register: 10, type: float32, unit: kW, kind: power}\n'
		printf '      - {name: e, register: 28, type: uint64, unit: Wh, kind: energy}\n'
	done
	for ((i = 0; i < n_agents; i++)); do
		if [ $((i % 5)) -eq 4 ]; then
			auth="version: 3, user: pued-sha256, auth_protocol: sha256, auth_passphrase: pued-auth-256, priv_passphrase: pued-priv-aes"
		else
			auth="community: $SNMP_COMMUNITY"
		fi
		printf '  - name: dev%03d\n    protocol: snmp\n    snmp: {host: 127.0.0.1, port: %s, %s}\n    points:\n' \
			"$i" "${agent_ports[$i]}" "$auth"
		echo "      - {name: power, oid: $PLAY.1.0, kind: power, unit: W}"
		echo "      - {name: energy, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64$([ "$i" = 0 ] && echo ', measured_at: ups_output')}"
		if [ $((i % 10)) -eq 3 ]; then
			echo "      - {name: lines, oid: $PLAY.11, sum_column: true, kind: power, unit: W}"
		fi
	done
	printf 'pue: {facility: {add: [m0/e]}, it: {add: [dev000/energy]}}\n'
	printf 'storage: {path: %s/pued.db}\ncontrol: {socket: %s/pued.sock}\n' "$T" "$T"
} >"$T/pued.yaml"
devices=$((((METERS + STRIDE - 1) / STRIDE) + n_agents))

echo "# rawstore: $((devices - n_agents)) meters (1 in $STRIDE of $METERS) + $n_agents agents at 1 s for $SECS s"
start_pued "$T/pued.yaml"
wait_for 120000 "all $devices devices up" devices_jq "[.devices[] | select(.state == \"up\")] | length == $devices"
t0=$(($(date +%s%N) / 1000000))
sleep "$SECS"
db=$T/pued.db
running=$(sqlite3 "$db" "SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count)")
stop_pid "$PUED_PID" 60000 || true
t1=$(($(date +%s%N) / 1000000))

q() { sqlite3 "$db" "$1"; }
samples=$(q "SELECT count(*) FROM samples")
span=$(q "SELECT (max(t_last) - min(t_first)) / 1000.0 FROM (SELECT t_first, t_last FROM raw_blocks
	UNION ALL SELECT t_first, t_last FROM raw_open)")
points=$(q "SELECT count(*) FROM (SELECT point FROM raw_blocks UNION SELECT point FROM raw_open)")
raw=$(q "SELECT sum(pgsize) FROM dbstat WHERE name IN ('raw_blocks', 'raw_blocks_point', 'raw_open', 'raw_tail')")
page=$(q "PRAGMA page_size")
in_use=$(q "SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count)")
file=$(stat -c %s "$db")
forms=$(q "SELECT CASE substr(hex(data), 3, 1) WHEN '0' THEN 'XOR' ELSE 'decimal' END,
	count(*), sum(n), round(1.0 * sum(length(data)) / sum(n), 2) FROM raw_blocks GROUP BY 1" | tr '\n' ' ')
# The same samples in schema 4's layout, measured the same way.
sqlite3 "$db" "ATTACH '$T/v4.db' AS v4;
	CREATE TABLE v4.samples(t INTEGER NOT NULL, point INTEGER NOT NULL, value REAL NOT NULL,
	PRIMARY KEY(t, point)) WITHOUT ROWID;
	INSERT INTO v4.samples SELECT t, point, value FROM main.samples;"
v4=$(sqlite3 "$T/v4.db" "SELECT sum(pgsize) FROM dbstat WHERE name = 'samples'")

python3 - <<PY
samples, points, raw, page, in_use, running = $samples, $points, $raw, $page, $in_use, $running
secs, v4, file = $span, $v4, $file
full_points = 2 * $METERS + 2 * $AGENTS + $AGENTS // 10  # the mix at full scale
per_point_s = samples / points / secs
print("rawstore: %d samples of %d points in %.0f s (%.3f a point a second)" % (samples, points, secs, per_point_s))
print("rawstore: %.2f bytes per stored raw sample (raw_blocks, its index, raw_open, raw_tail: %d bytes);"
      " schema 4, the same samples: %.1f" % (raw / samples, raw, v4 / samples))
print("rawstore: block forms (form, blocks, samples, blob bytes a sample): $forms")
print("rawstore: database %d bytes in use (%.2f a sample), file %d bytes; while running %.2f a sample"
      % (in_use * page, in_use * page / samples, file, running * page / samples))
hour = raw / samples * full_points * per_point_s * 3600
print("rawstore: an hour at $METERS + $AGENTS (%d points): %.1f MB of raw samples (schema 4: %.0f MB)"
      % (full_points, hour / 1e6, v4 / samples * full_points * per_point_s * 3600 / 1e6))
PY
