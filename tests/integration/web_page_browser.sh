#!/bin/bash
# Issue 17 item 3: the status page at / in a real browser. pued and the
# simulator run a day on the stepped test clock (PUE 1.20, then 1.2625 from
# 12:00, so the 24 h figure moves every minute), with the HTTP listener on
# loopback; headless Chromium (Debian's) loads the page from pued, and the
# DOM it renders must show the alert window's PUE exactly as `puectl status
# --json` has it, the ceiling 1.25 and a drawn curve (an SVG polyline with
# points). The page as served is valid HTML5 (html5lib, strict), and the
# screenshot is kept in $BUILD/test-logs/web_page_browser.png.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || skip "no chromium (Debian package chromium; tools/install-deps check)"
chromium() { # chromium ARGS... URL: headless, its own profile, nothing but loopback
	timeout -k 5 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T/chromium" --disable-extensions --disable-sync \
		--disable-background-networking --disable-component-update \
		--no-default-browser-check "$@" 2>>"$T/chromium.log"
}

T0=1772323200000 # 2026-03-01T00:00:00Z
step_clock $T0
start_sim sim --control "$T/sim.sock" --schedule "43200:facility_kw=1010"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 60s/' \
	-e 's/kind: energy/kind: energy, max_gap: 2h/' "$T/pued.yaml"
printf 'http: {port: 0}\n' >>"$T/pued.yaml"
start_pued "$T/pued.yaml"
PORT=$(http_port)
advance 24h # to a whole minute: the page is made in that tick, status sees the same
URL="http://127.0.0.1:$PORT/"

want=$(puectl status --json | jq -r '.alert_window as $w | .windows[] | select(.window == $w) | .pue_milli')
[[ $want =~ ^[0-9]+$ ]] || fail "no figure for the alert window: $(puectl status --json | jq -c .windows)"
want=$(printf '%d.%03d' $((want / 1000)) $((want % 1000)))
note "puectl status: alert window PUE $want"

fetch "$URL" >"$T/served.txt"
head -n1 "$T/served.txt" | grep -q '^200 text/html' || fail "GET /: $(head -n1 "$T/served.txt")"
tail -n +2 "$T/served.txt" >"$T/served.html"
python3 -c '
import sys, html5lib
html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], "rb").read())' "$T/served.html" ||
	fail "the page is not valid HTML5"

chromium --dump-dom "$URL" >"$T/dom.html" || fail "chromium --dump-dom failed: $(tail -5 "$T/chromium.log")"
mkdir -p "$TOP/$BUILD/test-logs"
shot=$TOP/$BUILD/test-logs/web_page_browser.png
rm -f "$shot"
chromium --window-size=1000,1800 --screenshot="$shot" "$URL" >/dev/null ||
	fail "chromium --screenshot failed: $(tail -5 "$T/chromium.log")"
[ -s "$shot" ] || fail "no screenshot"
note "screenshot: $shot ($(wc -c <"$shot") bytes)"

python3 - "$T/dom.html" "$want" <<'PY' || fail "the page as Chromium rendered it"
import sys, html5lib
dom = html5lib.parse(open(sys.argv[1], "rb").read(), namespaceHTMLElements=False)
want = sys.argv[2]
svg = "{http://www.w3.org/2000/svg}"
def by_id(i):
    return next((e for e in dom.iter() if e.get("id") == i), None)
problems = []
now, ceiling, curve = by_id("pue-now"), by_id("ceiling"), by_id("curve-24h")
got = "".join(now.itertext()).strip() if now is not None else None
if got != want:
    problems.append("the page shows PUE %r, puectl status %r" % (got, want))
if ceiling is None or "".join(ceiling.itertext()).strip() != "1.25":
    problems.append("no ceiling 1.25")
lines = [] if curve is None else [p for p in curve.iter(svg + "polyline")
                                  if len(p.get("points", "").split()) >= 2]
ceil_line = [] if curve is None else [l for l in curve.iter(svg + "line") if l.get("class") == "ceiling"]
if not lines:
    problems.append("no curve drawn in the last 24 hours")
if not ceil_line:
    problems.append("no ceiling line on the curve")
print("# rendered: PUE %s, %d polyline(s), %d points" %
      (got, len(lines), sum(len(p.get("points").split()) for p in lines)))
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
stop_clean "$PUED_PID" "$SIM_PID"
