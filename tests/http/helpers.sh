# SPDX-License-Identifier: MIT
# tests/http/helpers.sh - shared by the /metrics tests (tests/integration/
# http_*.sh), sourced after lib.sh: where pued listens, a small HTTP client
# (python3's urllib: no curl), and a Prometheus of the test's own.

# http_port [LOG]: the port pued's log says its listener got (port: 0).
http_port() {
	local log=${1:-$T/pued.log}
	wait_for 10000 "pued to say where it listens for HTTP" grep -q 'http: listening on' "$log"
	sed -n 's/.*http: listening on .*:\([0-9]*\) (.*/\1/p' "$log" | tail -n1
}

# listening_ports PID: the TCP ports PID listens on, one a line, from
# /proc (its socket inodes against /proc/net/tcp and tcp6, state LISTEN).
listening_ports() {
	python3 - "$1" <<'EOF'
import os, sys
pid = sys.argv[1]
inodes = set()
for fd in os.listdir("/proc/%s/fd" % pid):
    try:
        link = os.readlink("/proc/%s/fd/%s" % (pid, fd))
    except OSError:
        continue
    if link.startswith("socket:["):
        inodes.add(link[8:-1])
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    with open(table) as f:
        next(f)
        for row in f:
            col = row.split()
            if col[3] == "0A" and col[9] in inodes:
                print(int(col[1].rsplit(":", 1)[1], 16))
EOF
}

has_listener() { [ -n "$(listening_ports "$1")" ]; }

# fetch URL [--accept TYPE] [--user NAME:PASSWORD] [--ca FILE] [--head]
# [--status]: prints "STATUS CONTENT-TYPE" on the first line, then the body
# (--status: the first line only; a pipe that stops reading early would
# fail under pipefail).
fetch() {
	python3 - "$@" <<'EOF'
import base64, ssl, sys, urllib.error, urllib.request
url, args = sys.argv[1], sys.argv[2:]
req = urllib.request.Request(url)
ctx = None
status_only = False
while args:
    opt, val = args[0], args[1] if len(args) > 1 else ""
    if opt == "--accept":
        req.add_header("Accept", val)
    elif opt == "--user":
        req.add_header("Authorization", "Basic " + base64.b64encode(val.encode()).decode())
    elif opt == "--ca":
        ctx = ssl.create_default_context(cafile=val)
    elif opt in ("--head", "--status"):
        if opt == "--head":
            req.method = "HEAD"
        else:
            status_only = True
        args = args[1:]
        continue
    args = args[2:]
try:
    r = urllib.request.urlopen(req, timeout=10, context=ctx)
    status, headers, body = r.status, r.headers, r.read()
except urllib.error.HTTPError as e:
    status, headers, body = e.code, e.headers, e.read()
print(status, headers.get("Content-Type", "-"))
if not status_only:
    sys.stdout.write(body.decode())
EOF
}

# start_prometheus NAME CONFIG: a Prometheus of the test's own on a port
# the kernel picks, its data in $T/NAME. Sets PROM_URL and PROM_PID.
start_prometheus() {
	local name=$1 port=
	start "$name" /usr/bin/prometheus --config.file="$2" --storage.tsdb.path="$T/$name" \
		--web.listen-address=127.0.0.1:0 --log.level=warn
	PROM_PID=$LAST_PID
	wait_for 60000 "Prometheus to listen" has_listener "$PROM_PID"
	port=$(listening_ports "$PROM_PID" | head -n1)
	PROM_URL=http://127.0.0.1:$port
	wait_for 60000 "Prometheus to be ready" fetch_ok "$PROM_URL/-/ready"
}
fetch_ok() { fetch "$1" --status | grep -q '^200 '; }

# prom_query EXPR: Prometheus' instant query, one "LABELS VALUE" line per
# series, LABELS as sorted k=v pairs joined by commas (without __name__).
prom_query() {
	python3 - "$PROM_URL" "$1" <<'EOF'
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
r = json.load(urllib.request.urlopen(url, timeout=10))
if r["status"] != "success":
    sys.exit("query failed: %s" % r)
for s in r["data"]["result"]:
    labels = ",".join("%s=%s" % kv for kv in sorted(s["metric"].items()) if kv[0] != "__name__")
    print(labels, s["value"][1])
EOF
}

# prom_targets_up N: Prometheus has N targets, each up with no scrape error.
prom_targets_up() {
	python3 - "$PROM_URL" "$1" <<'EOF'
import json, sys, urllib.request
r = json.load(urllib.request.urlopen(sys.argv[1] + "/api/v1/targets", timeout=10))
ts = r["data"]["activeTargets"]
ok = len(ts) == int(sys.argv[2]) and all(t["health"] == "up" and not t["lastError"] for t in ts)
if not ok:
    print(json.dumps([(t["scrapeUrl"], t["health"], t["lastError"]) for t in ts]), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}
