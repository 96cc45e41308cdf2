#!/bin/bash
# puectl export --raw returns exactly what pued read (issue 18), through
# the compressed raw blocks, on the stepped test clock. The demo hall's ten
# points (float32, uint16 x 0.1, uint32 and int32 W, uint32, uint64 and
# float64 energy: both value forms of the block format) are polled every
# 5 s for 2 h while the simulator's profile changes seven times; pued is
# killed (SIGKILL) after the first hour and started again. Every exported
# value is checked against the simulator's model recomputed here with the
# same double arithmetic (tests/sim/hall.c, regmap.c, then decode.c's
# scale and unit factor), printed as the export prints it, and every
# stored value (the samples table, read from Python) to the bit; what was
# exported before the kill is exported unchanged after it; and each point
# has a sample every 5 s of each run.
. "$(dirname "$0")/lib.sh"

T0=1767225600000 # 2026-01-01T00:00:00Z
SCHEDULE="600:facility_kw=1012.345;1500:it_kw=811.1;2400:facility_kw=987.6543,it_kw=790.25"
SCHEDULE="$SCHEDULE;3300:facility_kw=1000.001;4500:it_kw=805.5"
SCHEDULE="$SCHEDULE;5400:facility_kw=955.5,it_kw=799.99;6600:facility_kw=970"
step_clock $T0
start_sim sim --control "$T/sim.sock" --schedule "$SCHEDULE"
write_config "$T/pued.yaml" "$SIM_PORT"
sed -i -e 's/^poll_interval: 1s/poll_interval: 5s/' "$T/pued.yaml"
export_raw() { "$BIN/puectl" -c "$T/pued.yaml" export --raw --from 2026-01-01T00:00Z --to 2026-01-02Z; }

start_pued "$T/pued.yaml"
advance 1h
export_raw >"$T/before.csv" || fail "export before the kill"
kill -KILL "$PUED_PID"
wait_for 5000 "pued to die" bash -c "! kill -0 $PUED_PID 2>/dev/null"
rm -f "$T/pued.sock"
start_pued "$T/pued.yaml"
advance 1h
stop_pid "$PUED_PID" 5000 || fail "pued did not exit 0 on SIGTERM"
export_raw >"$T/after.csv" || fail "export after the restart"
[ "$(sql "SELECT value FROM meta WHERE key = 'schema_version'")" = 5 ] || fail "schema version"
stored=$(sql "SELECT count(*) FROM samples")
note "exported $(($(wc -l <"$T/after.csv") - 1)) samples, $(($(wc -l <"$T/before.csv") - 1)) before the kill; $stored in the samples table"

python3 - "$T/before.csv" "$T/after.csv" "$stored" "$SCHEDULE" "$T/pued.db" "$BIN/pue_samples" <<'PY' ||
import csv, datetime, math, sqlite3, struct, sys

before, after, stored, schedule = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
db_path, extension = sys.argv[5], sys.argv[6]
T0 = 1767225600000
NS_PER_HOUR = 3600e9

def c_round(x):  # C round()/llround(): halves away from zero (x >= 0 here)
    t = math.trunc(x)
    return t + (1 if x - t >= 0.5 else 0)

def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]

def power(unit, fac, it):  # tests/sim/hall.c meter_power_kw: 2 UPS, 2 cooling
    if unit == 1:
        return fac
    if unit <= 3:
        return it / 2
    over = fac - it
    return over * 0.8 / 2 if over > 0 else 0

entries = []
for e in schedule.split(";"):
    sec, sets = e.split(":")
    kv = dict(s.split("=") for s in sets.split(","))
    entries.append((c_round(float(sec) * 1e9), kv))

def model(unit, t_ns):  # power kW and energy kWh the simulator serves at t_ns
    fac, it, start = 960.0, 800.0, 0
    seg = {u: 100000.0 + 1000.0 * u for u in range(1, 6)}
    for at, kv in entries:
        if at > t_ns:
            break
        if at > start:
            hours = (at - start) / NS_PER_HOUR
            for u in seg:
                seg[u] += power(u, fac, it) * hours
            start = at
        fac = float(kv.get("facility_kw", fac))
        it = float(kv.get("it_kw", it))
    p = power(unit, fac, it)
    hours = (t_ns - start) / NS_PER_HOUR if t_ns > start else 0
    return p, seg[unit] + p * hours

def scaled(count, scale, factor):  # decode.c: (raw * scale + offset) * unit factor
    return (float(count) * scale + 0.0) * factor

# conf/demo.yaml: device -> unit id; point -> value from (P, E)
POINTS = {
    ("incomer", "power"): (1, lambda p, e: scaled(f32(p), 1, 1)),
    ("incomer", "energy"): (1, lambda p, e: scaled(c_round(e * 1000) % 2**32, 1, 1e-3)),
    ("ups-a", "power"): (2, lambda p, e: scaled(min(c_round(p * 1000), 2**32 - 1), 1, 1e-3)),
    ("ups-a", "energy"): (2, lambda p, e: scaled(c_round(e * 1000), 1, 1e-3)),
    ("ups-b", "power"): (3, lambda p, e: scaled(f32(p), 1, 1)),
    ("ups-b", "energy"): (3, lambda p, e: scaled(e, 1, 1)),
    ("crah-1", "power"): (4, lambda p, e: scaled(min(c_round(p * 10), 65535), 0.1, 1)),
    ("crah-1", "energy"): (4, lambda p, e: scaled(c_round(e * 10) % 2**32, 0.1, 1)),
    ("crah-2", "power"): (5, lambda p, e: scaled(c_round(p * 1000), 1, 1e-3)),
    ("crah-2", "energy"): (5, lambda p, e: scaled(c_round(e * 1000) % 2**32, 1, 1e-3)),
}

def ms_of(iso):
    d = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp()) * 1000 + d.microsecond // 1000

def rows(path):
    with open(path) as f:
        r = csv.reader(f)
        assert next(r) == ["time", "device", "point", "value", "unit"]
        return [tuple(x) for x in r]

b, a = rows(before), rows(after)
kill_ms = max(ms_of(x[0]) for x in b)
assert [x for x in a if ms_of(x[0]) <= kill_ms] == b, "the samples before the kill changed"
assert len(a) == stored, "%d exported, %d in the samples table" % (len(a), stored)
bad, times = [], {}
for t, dev, pt, value, unit in a:
    ms = ms_of(t)
    u, f = POINTS[(dev, pt)]
    p, e = model(u, (ms - T0) * 1000000)
    want = "%.6f" % f(p, e)
    if value != want:
        bad.append("%s %s/%s: exported %s, read %s" % (t, dev, pt, value, want))
    times.setdefault((dev, pt), []).append(ms)
for k, ts in times.items():
    assert ts == sorted(ts), "%s/%s out of order" % k
    runs = [[x for x in ts if x <= kill_ms], [x for x in ts if x > kill_ms]]
    for run in runs:
        steps = {y - x for x, y in zip(run, run[1:])}
        assert steps == {5000}, "%s/%s: steps %s" % (k + (sorted(steps)[:5],))
        assert len(run) >= 719, "%s/%s: %d samples in a run" % (k + (len(run),))
assert len(times) == 10, "%d points" % len(times)
db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
db.enable_load_extension(True)
db.load_extension(extension)
n = 0
for ms, dev, pt, value in db.execute("SELECT s.t, p.device, p.name, s.value FROM samples s"
                                     " JOIN points p ON p.id = s.point"):
    u, f = POINTS[(dev, pt)]
    want = f(*model(u, (ms - T0) * 1000000))
    if struct.pack("<d", value) != struct.pack("<d", want):
        bad.append("%d %s/%s: stored %r, read %r" % (ms, dev, pt, value, want))
    n += 1
assert n == len(a), "%d stored, %d exported" % (n, len(a))
if bad:
    print("\n".join(bad[:10]))
    sys.exit(1)
print("# %d samples of %d points, every value as the simulator served it" % (len(a), len(times)))
PY
	fail "the export or the samples differ from what was read"
