#!/bin/bash
# The IT load drops to 0 (the acceptance pass's case): once the 15m window
# holds only minutes without IT energy, its IT energy is exactly 0, never
# below and never -0, wherever pued shows it: status's JSON ("it_kwh": 0),
# its text ("0.0 kWh"), /metrics (0 J) and the web page. Energy is never
# negative (PUE.md). The windows used to add each minute to a running sum
# and subtract it again on the way out, which in binary drifted to
# "it_kwh": -0, "-0.0 kWh" and -6.39e-08 J. The 1h window, still holding
# the minutes at 800 kW, keeps them.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock"
write_config "$T/pued.yaml" "$SIM_PORT"
printf 'http: {port: 0}\n' >>"$T/pued.yaml"
start_pued "$T/pued.yaml"
PORT=$(http_port)

# 20 minutes at 960 / 800 kW, then no IT load; at 00:37:16 the 15m window
# holds the minutes 00:22 to 00:36, every one without IT energy.
advance 20m
[ "$(sim_cmd set it_kw 0)" = ok ] || fail "simulator: set it_kw 0"
advance 1036s

puectl status --json >"$T/status.json" || fail "puectl status --json"
w15=$(jq -c '.windows[] | select(.window == "15m")' "$T/status.json")
note "15m at 00:37:16: $w15"
jq -e '.state == "no_it_load" and .coverage == 1 and .it_kwh == 0 and .facility_kwh > 0' \
	<<<"$w15" >/dev/null || fail "15m window without IT load: $w15"
# jq reads -0 as 0: the text itself says whether a sign was sent.
python3 - "$T/status.json" <<'EOF' || fail "status --json sends a negative energy: $(cat "$T/status.json")"
import json, math, sys
bad = []
def walk(v, path):
    if isinstance(v, dict):
        for k, x in v.items():
            walk(x, path + "." + k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(x, "%s[%d]" % (path, i))
    elif isinstance(v, float) and (path.endswith("_kwh") or path.endswith("_kw")) \
            and math.copysign(1, v) < 0:
        bad.append("%s = %r" % (path, v))
walk(json.load(open(sys.argv[1])), "")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
EOF
jq -e '.windows[] | select(.window == "1h") | .it_kwh > 250' "$T/status.json" >/dev/null ||
	fail "1h window lost the minutes at 800 kW: $(jq -c '.windows' "$T/status.json")"

puectl status >"$T/status.txt" || fail "puectl status"
line=$(grep '^  15m ' "$T/status.txt")
note "status: $line"
[[ "$line" == *'no IT load'* && "$line" == *' 0.0 kWh' ]] || fail "status text, 15m: $line"
! grep -q -- '-0\.0 kW' "$T/status.txt" || fail "status text shows -0.0: $(cat "$T/status.txt")"

fetch "http://127.0.0.1:$PORT/metrics" >"$T/metrics.txt"
got=$(grep '^pued_window_it_energy_joules{window="15m"' "$T/metrics.txt")
note "metrics: $got"
[ "${got##* }" = 0 ] || fail "15m IT energy in /metrics: $got"
! grep -q '_joules{.*} -' "$T/metrics.txt" ||
	fail "/metrics has a negative energy: $(grep '_joules{.*} -' "$T/metrics.txt")"

fetch "http://127.0.0.1:$PORT/" >"$T/page.html"
grep -q '<tr><th scope="row">15m</th>.*<td class="num">0.0 kWh</td></tr>' "$T/page.html" ||
	fail "web page, 15m: $(grep '<th scope="row">15m' "$T/page.html")"
! grep -q -- '-0\.0 kW' "$T/page.html" || fail "the web page shows -0.0"
note "15m without IT load: 0 in status, its text, /metrics and the page"
