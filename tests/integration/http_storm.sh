#!/bin/bash
# tests/run: alone
# A scrape storm on the real clock: 1000 connections at once to /metrics
# while pued polls the simulator every second. Every connection ends, each
# within the client's 20 s, with either a whole 200 answer (the body as
# long as its Content-Length says) or a clean refusal (closed or reset
# before any byte of an answer): none hangs, none gets half an answer.
# While they are all open, each of pued's HTTP connections sits on a
# descriptor at or above 1024, where it can never take one libmodbus
# needs (fd_policy.h), and `puectl ping` answers. Polling stays on time: no
# poll tick skipped, and no gap between two stored samples of any point as
# long as max_gap (3 polls), so no energy interval is lost to the storm.
# Runs alone (tests/run): its load and its real-clock gaps are its own.
# Also measured, not asserted: the storm's duration and the memory of a
# pued with the listener against one without.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/http/helpers.sh"

N=1000     # connections at once
ROUNDS=3   # one after the other, so that the storm spans several polls
start_sim sim
write_config "$T/pued.yaml" "$SIM_PORT"
sed -e "s|$T/pued|$T/twin|g" "$T/pued.yaml" >"$T/twin.yaml"
printf 'http: {port: 0, max_connections: 512, max_connections_per_ip: 512}\n' >>"$T/pued.yaml"
start_pued "$T/pued.yaml"
PORT=$(http_port)
start twin "$BIN/pued" -f -c "$T/twin.yaml"
TWIN_PID=$LAST_PID
polled() { [ "$(puectl devices --json | jq '[.devices[].polls] | min')" -ge "$1" ]; }
wait_for 20000 "five polls of every device" polled 5
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
skipped() { puectl devices --json | jq '[.devices[].skipped] | add'; }
SKIPPED0=$(skipped)
RSS_BEFORE=$(rss "$PUED_PID")
T_START=$(($(date +%s%N) / 1000000))

for round in $(seq "$ROUNDS"); do
python3 - 127.0.0.1 "$PORT" "$N" "$PUED_PID" "$BIN/puectl" "$T/pued.sock" >"$T/storm.log" 2>&1 <<'EOF' ||
import asyncio, json, os, resource, subprocess, sys, time
host, port, n, pid, puectl, sock = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, n + 256)), hard))
REQ = b"GET /metrics HTTP/1.1\r\nHost: pued\r\nConnection: close\r\n\r\n"
count = {"ok": 0, "refused": 0}
bad = []
connected = 0
go = asyncio.Event()
all_tried = asyncio.Event()

def tried():
    global connected
    connected += 1
    if connected == n:
        all_tried.set()

async def one(i):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 20)
    except (ConnectionRefusedError, ConnectionResetError):
        count["refused"] += 1
        tried()
        return
    except Exception as e:
        bad.append("connect: %r" % e)
        tried()
        return
    tried()
    await go.wait()
    try:
        w.write(REQ)
        await w.drain()
        data = await asyncio.wait_for(r.read(), 20)
    except (ConnectionResetError, BrokenPipeError):
        data = b""
    except asyncio.TimeoutError:
        bad.append("no end within 20 s")
        return
    finally:
        w.close()
    if not data:
        count["refused"] += 1  # closed before any answer: the limit
        return
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode(errors="replace").split("\r\n")
    length = [l.split(":", 1)[1].strip() for l in lines if l.lower().startswith("content-length:")]
    if lines[0].startswith("HTTP/1.1 200 ") and length and int(length[0]) == len(body):
        count["ok"] += 1
    else:
        bad.append("answer %r, %d bytes of body" % (lines[0], len(body)))

def http_fds():
    """pued's descriptors that are connections to the listener."""
    inodes = {}
    for fd in os.listdir("/proc/%s/fd" % pid):
        try:
            link = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes[link[8:-1]] = int(fd)
    fds = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in list(open(table))[1:]:
            col = row.split()
            if col[3] == "01" and int(col[1].rsplit(":", 1)[1], 16) == port and col[9] in inodes:
                fds.append(inodes[col[9]])
    return fds

async def main():
    t0 = time.monotonic()
    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    await asyncio.wait_for(all_tried.wait(), 30)
    await asyncio.sleep(0.5)  # pued accepts what the kernel queued
    fds = http_fds()
    ping = subprocess.run([puectl, "-s", sock, "ping"], capture_output=True, timeout=15)
    limit = [l for l in open("/proc/%s/limits" % pid) if l.startswith("Max open files")][0].split()[3]
    go.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 40)
    took = time.monotonic() - t0
    print(json.dumps({"ok": count["ok"], "refused": count["refused"], "bad": bad[:10], "n_bad": len(bad),
                      "held": len(fds), "lowest_fd": min(fds) if fds else None, "fd_limit": limit,
                      "ping": ping.returncode, "seconds": round(took, 2)}))
    ok = (not bad and count["ok"] + count["refused"] == n and count["ok"] > 0 and ping.returncode == 0
          and fds and (int(limit) <= 1088 or min(fds) >= 1024))
    sys.exit(0 if ok else 1)

asyncio.run(main())
EOF
	fail "the storm: $(cat "$T/storm.log")"
note "round $round, $N connections at once: $(tail -n1 "$T/storm.log"), pued RSS $(rss "$PUED_PID") kB"
done
T_END=$(($(date +%s%N) / 1000000))

# Polling on time: the samples stored from before the storm to after it.
stored_after() { [ "$(sql "SELECT count(*) FROM samples WHERE t > $1")" -gt 0 ]; }
wait_for 10000 "samples stored after the storm" stored_after "$((T_END + 1000))"
SKIPPED1=$(skipped)
[ "$SKIPPED1" = "$SKIPPED0" ] || fail "poll ticks skipped during the storm: $SKIPPED0 -> $SKIPPED1"
gaps=$(sql "WITH s AS (SELECT point, t - lag(t) OVER (PARTITION BY point ORDER BY t) AS gap
	FROM samples WHERE t BETWEEN $((T_START - 2000)) AND $((T_END + 1000)))
	SELECT count(DISTINCT point), count(*), max(gap) FROM s WHERE gap IS NOT NULL")
IFS='|' read -r points intervals maxgap <<<"$gaps"
note "through the storm ($((T_END - T_START)) ms): $intervals intervals of $points points, longest $maxgap ms; no tick skipped"
[ "$points" -eq 10 ] || fail "samples of $points points, not 10"
[ "$maxgap" -lt 3000 ] || fail "a gap of $maxgap ms between samples: an energy interval lost"
puectl ping >/dev/null || fail "puectl ping after the storm"
stats=$(fetch "http://127.0.0.1:$PORT/metrics" | grep '^pued_http_' | tr '\n' ' ')
note "pued's counts: $stats"
note "memory (RSS): without the listener $(rss "$TWIN_PID") kB; with it $RSS_BEFORE kB before the storm, $(rss "$PUED_PID") kB after"
stop_clean "$PUED_PID" "$TWIN_PID"
