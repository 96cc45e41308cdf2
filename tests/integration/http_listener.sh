#!/bin/bash
# The HTTP listener is off unless configured: with no http: section pued
# listens on no TCP port at all (its sockets against /proc/net/tcp{,6}). A
# reload that adds the section starts it (port 0: the kernel's choice); a
# reload that keeps its address and port keeps its very socket, so a
# client scraping through the reload never finds the port closed; a
# reload with a broken web configuration is refused and the listener
# serves on; a reload without the section closes it.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"

reloads() { [ "$(count_lines "$T/pued.log" 'pued: reloaded')" -ge "$1" ]; }
ports() { listening_ports "$PUED_PID" | sort | tr '\n' ' '; }

start_sim sim
write_config "$T/pued.yaml" "$SIM_PORT"
cp "$T/pued.yaml" "$T/base.yaml"
start_pued "$T/pued.yaml"
wait_for 10000 "a first poll" bash -c "'$BIN/puectl' -s '$T/pued.sock' devices --json | jq -e '.devices[0].polls > 0'"
[ -z "$(ports)" ] || fail "pued listens on TCP port(s) $(ports) without an http: section"
note "no http: section: pued (pid $PUED_PID) listens on no TCP port"

{ cat "$T/base.yaml"; printf 'http: {port: 0}\n'; } >"$T/pued.yaml"
puectl reload >/dev/null || fail "puectl reload"
wait_for 20000 "the first reload" reloads 1
PORT=$(http_port)
[ "$(ports)" = "$PORT " ] || fail "after the reload pued listens on '$(ports)', not $PORT"
fetch "http://127.0.0.1:$PORT/metrics" --status | grep -q '^200 ' || fail "/metrics after the reload"
grep -q 'href="/metrics"' <<<"$(fetch "http://127.0.0.1:$PORT/")" || fail "the page at /"
note "http: {port: 0} added by a reload: listening on $PORT"

# A client scraping every 10 ms, on a new connection each time, through a
# reload that keeps the port (now written out) and one that is refused.
start scraper python3 -c '
import os, sys, time, urllib.request
url, stop = sys.argv[1], sys.argv[2]
ok = bad = 0
while not os.path.exists(stop):
    try:
        urllib.request.urlopen(url, timeout=5).read()
        ok += 1
        if ok == 1:
            print("first", flush=True)
    except Exception as e:
        bad += 1
        print("error:", e, flush=True)
    time.sleep(0.01)
print("ok", ok, "bad", bad, flush=True)
' "http://127.0.0.1:$PORT/metrics" "$T/stop"
wait_for 10000 "the scraper's first answer" grep -q '^first' "$T/scraper.log"
{ cat "$T/base.yaml"; printf 'http: {port: %s}\n' "$PORT"; } >"$T/pued.yaml"
puectl reload >/dev/null || fail "puectl reload"
wait_for 20000 "the second reload" reloads 2
{ cat "$T/base.yaml"; printf 'http: {port: %s, web_config_file: web.yml}\n' "$PORT"; } >"$T/pued.yaml"
printf 'basic_auth_users: {prometheus: not-a-hash}\n' >"$T/web.yml"
puectl reload >/dev/null || fail "puectl reload"
wait_for 20000 "the broken reload to be refused" grep -q 'web.yml:1:32: basic_auth_users.prometheus: expected a bcrypt hash' "$T/pued.log"
touch "$T/stop"
wait_for 10000 "the scraper to finish" grep -q '^ok ' "$T/scraper.log"
note "scraper through two reloads: $(tail -n1 "$T/scraper.log")"
grep -q ' bad 0$' "$T/scraper.log" || fail "scrapes failed across the reloads: $(cat "$T/scraper.log")"
[ "$(ports)" = "$PORT " ] || fail "after the reloads pued listens on '$(ports)', not $PORT"

cp "$T/base.yaml" "$T/pued.yaml"
puectl reload >/dev/null || fail "puectl reload"
wait_for 20000 "the reload without http:" reloads 3
[ -z "$(ports)" ] || fail "http: removed, yet pued listens on $(ports)"
note "http: removed by a reload: no TCP listener"
stop_clean "$PUED_PID"
