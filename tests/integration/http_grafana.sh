#!/bin/bash
# conf/grafana/pued-dashboard.json is importable as it stands: valid JSON
# with a schemaVersion, a Prometheus data-source input, panels with unique
# ids and a place on the grid; every PromQL expression of its panels
# parses (promtool has no check for a bare expression, so each becomes a
# recording rule of a generated rules file for `promtool check rules`,
# Grafana's $__rate_interval replaced by a duration); and every metric it
# names is in the /metrics of a running pued, or is a recording rule of
# conf/prometheus/pued-rules.yml.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"
command -v promtool >/dev/null || skip "promtool is missing (Debian package prometheus)"

DASH=$TOP/conf/grafana/pued-dashboard.json
T0=1767225600000 # 2026-01-01T00:00:00Z
step_clock $T0
start_sim sim
write_config "$T/pued.yaml" "$SIM_PORT"
printf 'http: {port: 0}\n' >>"$T/pued.yaml"
start_pued "$T/pued.yaml"
PORT=$(http_port)
advance 2m # every device polled: the histograms have their buckets
fetch "http://127.0.0.1:$PORT/metrics" | tail -n +2 >"$T/metrics.txt"

python3 - "$DASH" "$T/exprs.yml" "$T/names.txt" <<'EOF' || fail "the dashboard's JSON"
import json, re, sys
d = json.load(open(sys.argv[1]))
problems = []
for key in ("title", "uid", "schemaVersion", "panels", "templating"):
    if key not in d:
        problems.append("no %s" % key)
if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 30:
    problems.append("schemaVersion %r" % d.get("schemaVersion"))
inputs = [i for i in d.get("__inputs", []) if i.get("pluginId") == "prometheus"]
if len(inputs) != 1:
    problems.append("no Prometheus data-source input to choose at import")
ids, exprs = set(), []
for p in d["panels"]:
    if p.get("id") in ids:
        problems.append("panel id %s twice" % p.get("id"))
    ids.add(p.get("id"))
    g = p.get("gridPos", {})
    if not all(isinstance(g.get(k), int) for k in "xywh") or g["x"] + g["w"] > 24:
        problems.append("panel %s: gridPos %s" % (p.get("title"), g))
    for t in p.get("targets", []):
        if t.get("datasource", {}).get("uid") != "${%s}" % inputs[0]["name"]:
            problems.append("panel %s: data source %s" % (p.get("title"), t.get("datasource")))
        exprs.append((p["title"], t["expr"]))
if not exprs:
    problems.append("no expressions")
# label_values(METRIC{...}, label): the metric must exist too.
names = set()
for v in d["templating"]["list"]:
    m = re.match(r"label_values\((\w+)", v["query"]["query"])
    if m:
        names.add(m.group(1))
with open(sys.argv[2], "w") as f:
    f.write("groups:\n  - name: dashboard\n    rules:\n")
    for n, (title, e) in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace("$__interval", "1m")
        f.write("      - record: dashboard_expr_%d\n        expr: %s\n" % (n, json.dumps(e)))
        # metric names: identifiers not followed by "(" (functions), not
        # inside quotes, not label names, not keywords
        bare = re.sub(r'"[^"]*"', '""', e)
        bare = re.sub(r"\{[^}]*\}", "", bare)
        bare = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", bare)
        for m in re.finditer(r"(?<![\w.:])[A-Za-z_:][\w:]*", bare):
            if bare[m.end():].lstrip().startswith("(") or m.group() in (
                    "and", "or", "unless", "bool", "offset"):
                continue
            names.add(m.group())
open(sys.argv[3], "w").write("\n".join(sorted(names)) + "\n")
print("# %d panels, %d expressions, %d metric names" % (len(d["panels"]), len(exprs), len(names)))
for p in problems:
    print("FAIL:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
out=$(promtool check rules "$T/exprs.yml" 2>&1) || fail "an expression does not parse: $out"
note "promtool: every expression parses ($(echo "$out" | tail -n1 | sed 's/^ *//'))"

# Recording rules' names, from the rules file.
sed -n 's/^ *- record: //p' "$TOP/conf/prometheus/pued-rules.yml" >"$T/records.txt"
missing=
while read -r name; do
	[ -n "$name" ] || continue
	base=$(echo "$name" | sed -E 's/_(bucket|sum|count)$//')
	if ! grep -qx "$name" "$T/records.txt" &&
		! grep -q "^# TYPE \($name\|$base\) " "$T/metrics.txt"; then
		missing="$missing $name"
	fi
done <"$T/names.txt"
[ -z "$missing" ] || fail "the dashboard names metrics pued does not export:$missing"
note "every metric the dashboard names exists: $(tr '\n' ' ' <"$T/names.txt")"
stop_clean "$PUED_PID"
