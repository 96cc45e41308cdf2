#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/memory_per_device: what one more device costs pued, beside what it
# costs collectd 5.12 polling the same devices in the same run (issue 18).
# Runs bench/campus.sh at each size of BENCH_MEMORY_SIZES ("meters+agents",
# default "16+8 200+100"), collectd beside pued, and prints each process's
# anonymous memory at the end of each run (heap, stacks, the libraries'
# private copies: what grows with the site) and its peak RSS, then the
# growth per device between the smallest and the largest size. The
# file-backed pages (the programs' and libraries' code) do not grow with
# devices: campus.sh prints them. collectd stores nothing (no write
# plugin) unless BENCH_CAMPUS_COLLECTD_WRITE says csv or rrdtool.
# BENCH_MEMORY_SECONDS (300) is each run's measuring time: long enough for
# every point's raw block in progress to reach the size it keeps (a block
# closes at 240 samples, 4 minutes at 1 s); a minute understates pued's
# steady state by about 0.3 kB a device.
# Measures; asserts nothing. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${BENCH_MEMORY_SIZES:-"16+8 200+100"}
SECS=${BENCH_MEMORY_SECONDS:-300}
results=""
for s in $SIZES; do
	m=${s%+*} a=${s#*+}
	out=$(BENCH_CAMPUS_METERS=$m BENCH_CAMPUS_AGENTS=$a BENCH_CAMPUS_COLLECTD=1 \
		BENCH_CAMPUS_SECONDS=$SECS bash bench/campus.sh 2>&1) || {
		echo "$out" | tail -20
		echo "campus.sh failed at $s"
		exit 1
	}
	echo "$out" | grep -E '^(on time|pued|collectd) ' | sed "s/^/$s  /"
	results+="$((m + a)) $(echo "$out" | python3 -c '
import re, sys
anon = {}; peak = {}
for line in sys.stdin:
    m = re.match(r"(pued|collectd)\s+RSS now \d+ kB: \d+ kB file-backed .*?, (\d+) kB anonymous", line)
    if m:
        anon[m.group(1)] = m.group(2)
    m = re.match(r"pued\s+peak RSS (\d+) kB", line)
    if m:
        peak["pued"] = m.group(1)
    m = re.match(r"collectd\s+.*peak RSS (\d+) kB", line)
    if m:
        peak["collectd"] = m.group(1)
print(anon.get("pued", "-"), anon.get("collectd", "-"), peak.get("pued", "-"), peak.get("collectd", "-"))
')
"
done
printf '%s' "$results" | python3 -c '
import sys
rows = [l.split() for l in sys.stdin if l.strip()]
print("devices  pued: anonymous kB, peak RSS kB   collectd: anonymous kB, peak RSS kB")
for n, pa, ca, pp, cp in rows:
    print("%7s  %10s %14s   %14s %14s" % (n, pa, pp, ca, cp))
(n0, pa0, ca0, _, _), (n1, pa1, ca1, _, _) = rows[0], rows[-1]
if n0 == n1:
    sys.exit(0)
def per(a0, a1):
    return "%.2f kB" % ((int(a1) - int(a0)) / (int(n1) - int(n0))) if "-" not in (a0, a1) else "-"
print("anonymous memory per device, %s to %s devices: pued %s, collectd %s"
      % (n0, n1, per(pa0, pa1), per(ca0, ca1)))
'
