#!/bin/bash
# The fleet view on Prometheus: two pued instances, each with its own
# simulated hall (hall A at PUE 1.20 with 800 kW of IT, hall B at 1.40 with
# 400 kW), scraped by one Prometheus that loads conf/prometheus/pued-rules.yml.
# The fleet's 15-minute PUE from the recording rule is (F_A + F_B) / (I_A +
# I_B) of the two instances' own `puectl status` figures: 380/300 = 1.2667,
# never the mean of their PUEs (1.30); each site's rule is its own figure;
# and a window where a site lacks the coverage for a figure has no fleet
# figure. promtool check rules and promtool test rules (the rules' unit
# tests, conf/prometheus/pued-rules.test.yml) pass first.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"
command -v promtool >/dev/null && [ -x /usr/bin/prometheus ] ||
	skip "promtool and prometheus are missing (Debian package prometheus)"

RULES=$TOP/conf/prometheus/pued-rules.yml
out=$(promtool check rules "$RULES" 2>&1) || fail "promtool check rules: $out"
note "$(echo "$out" | tail -n1 | sed 's/^ *//')"
out=$(cd "$TOP/conf/prometheus" && promtool test rules pued-rules.test.yml 2>&1) ||
	fail "promtool test rules: $out"
note "promtool test rules: $(echo "$out" | tail -n1 | sed 's/^ *//')"

# Each hall on its own stepped clock, both started at T0 and advanced alike.
T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i 's/^site: .*/site: hall-a/' "$T/pued.yaml"
printf 'http: {port: 0}\n' >>"$T/pued.yaml"
start_pued "$T/pued.yaml"
PORT_A=$(http_port)

mkdir "$T/b"
"$BIN/pue-clock" init "$T/b/clock" $T0 || fail "pue-clock init"
export PUED_TEST_CLOCK="step:$T/b/clock"
start_sim simb --facility-kw 560 --it-kw 400
write_config "$T/b/pued.yaml" "$SIM_PORT"
sed -i -e "s|$T/|$T/b/|g" -e 's/^site: .*/site: hall-b/' "$T/b/pued.yaml"
printf 'http: {port: 0}\n' >>"$T/b/pued.yaml"
start pued-b "$BIN/pued" -f -c "$T/b/pued.yaml"
PUED_B_PID=$LAST_PID
wait_for 10000 "the second pued to open its control socket" test -S "$T/b/pued.sock"
PORT_B=$(http_port "$T/pued-b.log")

cat >"$T/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$RULES"]
scrape_configs:
  - job_name: pued
    static_configs: [{targets: ["127.0.0.1:$PORT_A", "127.0.0.1:$PORT_B"]}]
EOF
start_prometheus prom "$T/prometheus.yml"
wait_for 60000 "Prometheus to scrape both instances without error" prom_targets_up 2

advance 15m 0 "$T/pued.sock"
advance 16s 0 "$T/pued.sock"
advance 15m 0 "$T/b/pued.sock"
advance 16s 0 "$T/b/pued.sock"
"$BIN/puectl" -s "$T/pued.sock" status --json >"$T/a.json"
"$BIN/puectl" -s "$T/b/pued.sock" status --json >"$T/b.json"

# fleet_matches: the rules' figures, once Prometheus has scraped this
# instant from both and evaluated, are the ones the statuses give.
fleet_matches() {
	{
		prom_query 'window:pued_pue:fleet' | sed 's/^/fleet /'
		prom_query 'site_window:pued_pue:site' | sed 's/^/site /'
	} >"$T/rules.txt"
	python3 - "$T/a.json" "$T/b.json" "$T/rules.txt" >"$T/compare.log" 2>&1 <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
got = {}
for line in open(sys.argv[3]):
    kind, labels, value = line.split(None, 2)
    lab = dict(kv.split("=", 1) for kv in labels.split(","))
    got[(kind, lab.get("site", ""), lab["window"])] = float(value)
bad = []
for wa, wb in zip(a["windows"], b["windows"]):
    win = wa["window"]
    f = wa["facility_kwh"] + wb["facility_kwh"]
    i = wa["it_kwh"] + wb["it_kwh"]
    fleet = got.get(("fleet", "", win))
    covered = wa["pue"] is not None and wb["pue"] is not None
    if not covered:
        if fleet is not None:
            bad.append("%s: a site lacks coverage, yet a fleet PUE %s" % (win, fleet))
        continue
    want = f / i
    if fleet is None or abs(fleet - want) > 1e-9 * want:
        bad.append("%s: fleet %s, (F1+F2)/(I1+I2) = %.6f/%.6f = %.9f" % (win, fleet, f, i, want))
    mean = (wa["pue"] + wb["pue"]) / 2
    print("# %s: fleet PUE %.6f = (%s + %s) / (%s + %s) kWh; the mean of %s and %s would be %.4f"
          % (win, fleet or 0, wa["facility_kwh"], wb["facility_kwh"], wa["it_kwh"],
             wb["it_kwh"], wa["pue"], wb["pue"], mean))
    for s in (a, b):
        w = [x for x in s["windows"] if x["window"] == win][0]
        site = got.get(("site", s["site"], win))
        if site is None or round(site, 3) != w["pue"]:
            bad.append("%s %s: site rule %s, status %s" % (s["site"], win, site, w["pue"]))
for x in bad:
    print("FAIL:", x)
sys.exit(1 if bad else 0)
EOF
}
wait_for 30000 "the fleet rules to give the statuses' figures (compare.log)" fleet_matches
grep '^#' "$T/compare.log"
grep -q '^# 15m: fleet PUE 1.266667' "$T/compare.log" || fail "the 15m fleet PUE is not 380/300"
stop_clean "$PUED_PID" "$PUED_B_PID"
