#!/bin/bash
# /metrics against the tools that read it: promtool check metrics is clean
# on the text format; a real Prometheus, started on loopback, scrapes pued
# (asking for OpenMetrics first, as it does) with no scrape error, and the
# PUE, energies, coverage, category and state it stores for every window
# are the figures `puectl status --json` gives for the same instant. On the
# stepped clock pued stands still between advances, so they agree exactly:
# the PUE to the digit (both are the judged, rounded figure), energies and
# coverage to status's own rounding (Wh; coverage cut to 0.01%).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"
command -v promtool >/dev/null && [ -x /usr/bin/prometheus ] ||
	skip "promtool and prometheus are missing (Debian package prometheus)"

# Prometheus 2.42's Accept header for a scrape.
PROM_ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
printf 'http: {port: 0}\n' >>"$T/pued.yaml"
start_pued "$T/pued.yaml"
PORT=$(http_port)
URL=http://127.0.0.1:$PORT/metrics
note "pued listens on 127.0.0.1:$PORT"
# The 15m window is whole a second after 00:15:15 (windows_stepped_clock.sh).
advance 15m
advance 16s

# promtool reads the text format only (OpenMetrics' info type is unknown
# to it): the OpenMetrics answer is Prometheus' to check, below.
fetch "$URL" >"$T/text.out"
head -n1 "$T/text.out" | grep -qx '200 text/plain; version=0.0.4; charset=utf-8' ||
	fail "text format answer: $(head -n1 "$T/text.out")"
tail -n +2 "$T/text.out" >"$T/metrics.txt"
lint=$(promtool check metrics <"$T/metrics.txt" 2>&1) || fail "promtool check metrics: $lint"
[ -z "$lint" ] || fail "promtool check metrics has remarks: $lint"
note "promtool check metrics: clean on $(grep -vc '^#' "$T/metrics.txt") samples"
fetch "$URL" --accept "$PROM_ACCEPT" >"$T/om.out"
head -n1 "$T/om.out" | grep -qx '200 application/openmetrics-text; version=1.0.0; charset=utf-8' ||
	fail "Prometheus' Accept header got $(head -n1 "$T/om.out")"
[ "$(tail -n1 "$T/om.out")" = "# EOF" ] || fail "OpenMetrics answer does not end with # EOF"
grep -qx '# TYPE pued_facility_energy_joules counter' "$T/om.out" ||
	fail "OpenMetrics counter family named with _total"

cat >"$T/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: pued
    static_configs: [{targets: ["127.0.0.1:$PORT"]}]
EOF
start_prometheus prom "$T/prometheus.yml"
wait_for 60000 "Prometheus to scrape pued without error" prom_targets_up 1

# compare: Prometheus holds this instant (pued's snapshot time), and each
# window's figures there are status's.
snapshot_seen() {
	local t
	t=$(fetch "$URL" | sed -n 's/^pued_snapshot_timestamp_seconds //p')
	[ "$(prom_query 'pued_snapshot_timestamp_seconds' | cut -d' ' -f2)" = "$t" ]
}
compare() {
	wait_for 30000 "Prometheus to scrape pued's figures at $(clock_ms)" snapshot_seen
	puectl status --json >"$T/status.json"
	for q in pued_pue pued_window_facility_energy_joules pued_window_it_energy_joules \
		pued_window_coverage_ratio 'pued_window_state == 1'; do
		prom_query "$q" | sed "s/^/${q%% *} /"
	done >"$T/prom.txt"
	python3 - "$T/status.json" "$T/prom.txt" <<'EOF' || fail "Prometheus and status disagree"
import json, math, sys
status = json.load(open(sys.argv[1]))
prom = {}
for line in open(sys.argv[2]):
    name, labels, value = line.split()
    lab = dict(kv.split("=", 1) for kv in labels.split(","))
    prom[(name, lab["window"])] = (lab, float(value))
bad = []
for w in status["windows"]:
    win = w["window"]
    pue = prom.get(("pued_pue", win))
    if w["pue"] is None:
        if pue is not None:
            bad.append("%s: status has no PUE, Prometheus %s" % (win, pue[1]))
    elif pue is None or pue[1] != w["pue"] or pue[0]["category"] != str(w["category"]):
        bad.append("%s: PUE %s (category %s), Prometheus %s" % (win, w["pue"], w["category"], pue))
    # status cuts coverage (never rounded up to a threshold it misses)
    cut = lambda v, d: math.floor(v * 10 ** d + 1e-6) / 10 ** d
    for name, key, scale, digits, shown in (
            ("pued_window_facility_energy_joules", "facility_kwh", 3.6e6, 3, round),
            ("pued_window_it_energy_joules", "it_kwh", 3.6e6, 3, round),
            ("pued_window_coverage_ratio", "coverage", 1, 4, cut)):
        got = prom.get((name, win))
        if got is None or shown(got[1] / scale, digits) != w[key]:
            bad.append("%s: %s %s, Prometheus %s" % (win, key, w[key], got))
    state = prom.get(("pued_window_state", win))
    if state is None or state[0]["state"] != w["state"]:
        bad.append("%s: state %s, Prometheus %s" % (win, w["state"], state))
    print("# %s: PUE %s state %s coverage %s facility %s kWh IT %s kWh: same in Prometheus"
          % (win, w["pue"], w["state"], w["coverage"], w["facility_kwh"], w["it_kwh"]))
for b in bad:
    print("FAIL:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

compare
prom_query 'pued_pue{window="15m"}' | grep -q ' 1.2$' || fail "15m PUE in Prometheus is not 1.2"
# At the ceiling from 00:16: 1000/800 kW, the 15m window at 1.250 (PUE.md
# worked example 9: at the line, compliant), the 1h window still short.
advance 44s
[ "$(sim_cmd set facility_kw 1000)" = ok ] || fail "simulator command"
advance 916s
compare
prom_query 'pued_pue{window="15m"}' | grep -q ' 1.25$' || fail "15m PUE in Prometheus is not 1.25"

# Figures for the report: Prometheus' own measure of the scrape, and one
# of ours over 50 requests (not asserted: machine speed).
note "Prometheus scrape_duration_seconds: $(prom_query 'scrape_duration_seconds{job="pued"}' | cut -d' ' -f2)"
python3 - "$URL" <<'EOF'
import sys, time, urllib.request
times = []
for _ in range(50):
    t = time.monotonic()
    n = len(urllib.request.urlopen(sys.argv[1], timeout=10).read())
    times.append(time.monotonic() - t)
times.sort()
print("# /metrics (%d bytes): median %.2f ms, max %.2f ms over 50 requests"
      % (n, times[25] * 1000, times[-1] * 1000))
EOF
stop_clean "$PUED_PID"
