#!/bin/bash
# Issue 17 item 4: `puectl report --format html` over a simulated month
# is one valid HTML5 document (html5lib, strict) with every figure of the
# text report, its curve and its month; `puectl history --plot` draws the
# same month within 80 columns, without escape sequences on a pipe.
# pued and the simulator run March 2026 on the stepped test clock: PUE
# 1.20 (960 / 800 kW), except two days at 1.30 (1040 kW) from day 20, and
# pued stopped for 8 hours at the end of day 10, so that day has no figure.
. "$(dirname "$0")/lib.sh"

export TZ=UTC # calendar months are local time
T0=1772323200000 # 2026-03-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock" \
	--schedule "1728000:facility_kw=1040;1900800:facility_kw=960"
write_config "$T/pued.yaml" "$SIM_PORT"
# 5-minute polls of the counters (bridging gaps of up to 2 h), hourly flushes.
sed -i -e 's/^poll_interval: 1s/poll_interval: 5m/' \
	-e 's/kind: energy/kind: energy, max_gap: 2h/' "$T/pued.yaml"
sed -i -e 's|^storage:|storage:\n  flush_interval: 1h|' "$T/pued.yaml"
"$BIN/pued" --check-config "$T/pued.yaml" >/dev/null || fail "config: $("$BIN/pued" --check-config "$T/pued.yaml" 2>&1)"
start_pued "$T/pued.yaml"
advance 10d
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
advance_down 8h
start_pued "$T/pued.yaml"
advance_to 744:10:00 # past the end of March: its last minutes closed and stored
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"

pc() { "$BIN/puectl" -c "$T/pued.yaml" "$@"; }
pc report --month 2026-03 --at 2026-04-01T00:00Z >"$T/report.txt" || fail "puectl report failed"
sed 's/^/# /' "$T/report.txt"
# What the profile gives: 736 of 744 hours covered (8 down), 48 of them
# at 1040 kW: facility 736 x 960 + 48 x 80 = 710400 kWh, IT 736 x 800 =
# 588800 kWh, PUE 1.2071, category 1 (UPS outputs).
for want in '  facility energy +710400\.0 kWh' '  IT energy +588800\.0 kWh' '  PUE +1\.207 \(ok\)' \
	'  coverage +98\.92% \(needed 95%\)' '  category +1' '  hours with data +736' \
	'  hours above 1\.25 +48' '  hours above 1\.22 +48' '  verdict +compliant \(ceiling 1\.25\)'; do
	grep -Eq "^$want\$" "$T/report.txt" || fail "the text report has no line \"$want\""
done

pc report --month 2026-03 --at 2026-04-01T00:00Z --format html >"$T/report.html" ||
	fail "puectl report --format html failed"
note "report.html: $(wc -c <"$T/report.html") bytes"
# Valid HTML5, self-contained: nothing to fetch, no script; every figure of
# the text report in its text (the month's row and the curve besides).
python3 - "$T/report.html" "$T/report.txt" <<'PY' || fail "report.html"
import re, sys
import html5lib

raw = open(sys.argv[1], "rb").read()
doc = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(raw)
text = " ".join(" ".join(doc.itertext()).split())
ns = "{http://www.w3.org/2000/svg}"
problems = []
for tag, attr in (("script", None), ("link", None), ("img", "src"), ("iframe", None)):
    if doc.findall(".//" + tag):
        problems.append("a <%s> element" % tag)
if re.search(rb"(src|href)\s*=\s*[\"']?(https?:)?//", raw) or b"@import" in raw or b"url(" in raw:
    problems.append("a reference to fetch")
figures = []
for line in open(sys.argv[2]):
    for tok in line.split():
        tok = tok.strip("(),:")
        if any(c.isdigit() for c in tok) or tok in ("compliant", "ok", "insufficient_data"):
            figures.append(tok)
missing = [f for f in figures if f not in text]
if missing:
    problems.append("figures of the text report missing: %s" % missing)
svgs = doc.findall(".//" + ns + "svg")
lines = [p for s in svgs for p in s.iter(ns + "polyline") if len(p.get("points", "").split()) >= 2]
gaps = [r for s in svgs for r in s.iter(ns + "rect") if r.get("class") == "gap"]
ceil = [l for s in svgs for l in s.iter(ns + "line") if l.get("class") == "ceiling"]
if not lines: problems.append("no curve")
if not gaps: problems.append("no gap for day 11 (pued down 8 h)")
if not ceil: problems.append("no ceiling line")
rows = [tr for tr in doc.findall(".//section[@id='months']//tbody/tr")]
if len(rows) != 1 or not "".join(rows[0].itertext()).startswith("2026-03"):
    problems.append("months: %s" % [" ".join(r.itertext()) for r in rows])
print("# %d figures of the text report found, %d polylines, %d gaps" % (len(figures), len(lines), len(gaps)))
if problems:
    print("\n".join(problems))
    sys.exit(1)
PY

# The month's daily curve in the terminal: 80 columns, no escapes on a pipe.
pc history --window 24h --step 6h --month 2026-03 --plot >"$T/plot.txt" || fail "history --plot failed"
sed 's/^/# /' "$T/plot.txt"
! grep -q $'\033' "$T/plot.txt" || fail "escape sequences on a pipe"
grep -q 'ceiling 1\.25$' "$T/plot.txt" && grep -q 'warning 1\.22$' "$T/plot.txt" || fail "level labels"
python3 - "$T/plot.txt" <<'PY' || fail "plot.txt"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
wide = max(len(l) for l in lines)
dots = sum(1 for l in lines for c in l if "\u2801" <= c <= "\u28ff")
axis = [l for l in lines if "\u2514" in l]  # the axis line, after its corner
problems = []
if wide > 80: problems.append("the plot is %d columns wide" % wide)
if dots < 60: problems.append("%d braille cells drawn: no curve" % dots)
if not axis or "\u2591" not in axis[0][axis[0].index("\u2514"):]:
    problems.append("no gap marked on the axis for day 11")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
pc history --window 24h --month 2026-03 --plot --json >/dev/null 2>&1 && fail "--plot with --json accepted"
stop_clean "$SIM_PID"
