#!/bin/bash
# Every SNMP value type pued reads (INTEGER, Gauge32, Counter32, Counter64,
# Unsigned32, Opaque float and double, numbers in OCTET STRINGs), column
# sums, the point lists of conf/snmp/ (UPS-MIB, PowerNet-MIB) and a MIB
# name, checked value by value against the simulator's model; then every
# kind of bad object (sentinels, a string that is no number, a plain Opaque,
# TimeTicks, noSuchInstance, noSuchObject, an empty column), each reported
# with its point and OID while the device's other point is still stored.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/snmpsim/snmpd.sh"

# On the stepped test clock: the agent's values are the model's at the
# very time pued stamps them, however slow the machine.
step_clock 1796493860000
start_snmpd agent
P=$SNMPD_PORT
PLAY=1.3.6.1.4.1.8072.9999.9999.1
EPOCH_MS=1600000000000 # pue-snmp-pass's default

# A MIB of our own, so that a name resolves without the IETF MIBs (Debian
# ships them in the non-free snmp-mibs-downloader).
mkdir -p "$T/mibs"
cat >"$T/mibs/PUE-TEST-MIB.txt" <<'EOF'
PUE-TEST-MIB DEFINITIONS ::= BEGIN
pueTestHall OBJECT IDENTIFIER ::= { iso 3 6 1 4 1 8072 9999 9999 1 }
pueTestFacilityPower OBJECT IDENTIFIER ::= { pueTestHall 1 }
pueTestItLines OBJECT IDENTIFIER ::= { pueTestHall 11 }
END
EOF

# map_points NAME: the points: of conf/snmp/NAME.yaml, indented for a device.
map_points() {
	sed -n '/^points:/,$p' "$TOP/conf/snmp/$1.yaml" | sed -e '1d' -e '/^ *#/d' -e 's/^/    /'
}
snmp=" protocol: snmp
    snmp: {host: 127.0.0.1, port: $P, community: $SNMP_COMMUNITY, max_varbinds: 4}"
good="      - {name: fac_w, oid: $PLAY.1.0, kind: power, unit: W}"
bad() { # NAME POINT-YAML: a device with one good and one bad point
	printf '  - name: %s\n   %s\n    points:\n%s\n      - %s\n' "$1" "$snmp" "$good" "$2"
}
snmp_pued_config "$T/pued.yaml" "
  - name: types
   $snmp
    points:
      - {name: fac_w, oid: $PLAY.1.0, kind: power, unit: W}
      - {name: it_w, oid: $PLAY.2.0, kind: power, unit: W, measured_at: ups_output}
      - {name: fac_e, oid: $PLAY.3.0, kind: energy, unit: Wh, scale: 0.001}
      - {name: it_e, oid: $PLAY.4.0, kind: energy, unit: Wh, counter_bits: 64, measured_at: ups_output}
      - {name: fac_f, oid: $PLAY.5.0, kind: power, unit: kW}
      - {name: it_s, oid: $PLAY.6.0, kind: power, unit: kW}
      - {name: cool_w, oid: $PLAY.7.0, kind: power, unit: W}
      - {name: fac_d, oid: $PLAY.8.0, kind: energy, unit: kWh}
      - {name: lines, oid: $PLAY.11, sum_column: true, kind: power, unit: W}
      - {name: it_e32, oid: $PLAY.14.0, kind: energy, unit: Wh}
      - {name: fac_ws, oid: $PLAY.17.0, kind: power, unit: W}
      - {name: mib_fac, oid: 'PUE-TEST-MIB::pueTestFacilityPower.0', kind: power, unit: W}
      - {name: mib_lines, oid: 'PUE-TEST-MIB::pueTestItLines', sum_column: true, kind: power, unit: W}
  - name: ups-mib
   $snmp
    points:
$(map_points ups-mib)
  - name: apc
   $snmp
    points:
$(map_points apc-rpdu2)
$(map_points apc-ups)
$(map_points apc-acrp100-cooling)
$(bad e-sentinel-neg "{name: bad, oid: $PLAY.9.0, kind: power, unit: W, invalid_values: [-1]}")
$(bad e-sentinel-max "{name: bad, oid: $PLAY.10.0, kind: power, unit: W, invalid_values: [-1, 2147483647]}")
$(bad e-string "{name: bad, oid: $PLAY.13.0, kind: power, unit: kW}")
$(bad e-opaque "{name: bad, oid: $PLAY.15.0, kind: power, unit: kW}")
$(bad e-ticks "{name: bad, oid: $PLAY.16.0, kind: power, unit: kW}")
$(bad e-instance "{name: bad, oid: $PLAY.99.0, kind: power, unit: kW}")
$(bad e-object "{name: bad, oid: 1.3.6.1.4.1.99999.1.0, kind: power, unit: kW}")
$(bad e-column "{name: bad, oid: $PLAY.98, sum_column: true, kind: power, unit: kW}")
  - name: e-all
   $snmp
    points:
      - {name: bad, oid: $PLAY.99.0, kind: power, unit: kW}" "
pue:
  facility: {add: [types/fac_d]}
  it: {add: [types/it_e]}"
MIBDIRS=$T/mibs start_pued "$T/pued.yaml"
advance 30s # every device polled many times; the bad ones have failed enough

wait_for 15000 "types, ups-mib and apc up" \
	devices_jq '[.devices[] | select(.name | test("^(types|ups-mib|apc)$")) | .state] == ["up","up","up"]'

expect_error() { # DEVICE REGEX
	wait_for 10000 "$1 degraded with an error matching /$2/" \
		device_jq "$1" ".state == \"degraded\" and (.last_error | test(\"$2\"))"
}
expect_error e-sentinel-neg 'point bad \\(1\\.3\\.6\\.1\\.4\\.1\\.8072\\.9999\\.9999\\.1\\.9\\.0\\): value -1 is listed in invalid_values'
expect_error e-sentinel-max 'point bad \\([0-9.]+\\.10\\.0\\): value 2147483647 is listed in invalid_values'
expect_error e-string 'point bad \\([0-9.]+\\.13\\.0\\): OCTET STRING .n/a. is not a decimal number'
expect_error e-opaque 'point bad \\([0-9.]+\\.15\\.0\\): Opaque of 2 bytes holds no float'
expect_error e-ticks 'point bad \\([0-9.]+\\.16\\.0\\): TimeTicks is not a number'
expect_error e-instance 'point bad \\([0-9.]+\\.99\\.0\\): noSuchInstance'
expect_error e-object 'point bad \\(1\\.3\\.6\\.1\\.4\\.1\\.99999\\.1\\.0\\): noSuchObject'
expect_error e-column 'point bad \\([0-9.]+\\.98\\): the column has no rows'
wait_for 10000 "e-all down with noSuchInstance" \
	device_jq e-all '.state == "down" and (.last_error | test("noSuchInstance"))'

# Five polls of everything, then every stored value against the model of
# tests/snmpsim/pue-snmp-pass.c at the instant it was read.
wait_for 15000 "five samples of each good point" bash -c "
	[ \$(sqlite3 '$T/pued.db' \"SELECT min(n) FROM (SELECT count(*) n FROM samples s JOIN points p
		ON p.id = s.point WHERE p.device IN ('types','ups-mib','apc') GROUP BY s.point)\") -ge 5 ]"
n=$(sqlite3 "$T/pued.db" "SELECT count(DISTINCT s.point) FROM samples s JOIN points p ON p.id = s.point
	WHERE p.device IN ('types','ups-mib','apc')")
[ "$n" -eq 19 ] || fail "expected 19 points stored, got $n"
sqlite3 -separator ' ' "$T/pued.db" "SELECT p.device || '/' || p.name, s.t, s.value FROM samples s
	JOIN points p ON p.id = s.point WHERE p.device IN ('types','ups-mib','apc')" >"$T/values.txt"
python3 - "$T/values.txt" "$EPOCH_MS" <<'EOF' || fail "values differ from the simulator's model"
import math, sys
epoch = int(sys.argv[2])
w = 2 * math.pi / 600
def p(p0, t): return p0 * (1 + 0.02 * math.sin(w * t))
def e(p0, t): return p0 * (t + 0.02 * (1 - math.cos(w * t)) / w) / 3600
def fac(t): return p(960, t)
def it(t): return p(800, t)
def cool(t): return 0.8 * (fac(t) - it(t))
def mod(x, m): return math.fmod(x, m)
model = {  # point: (expected kW or kWh, tolerance)
    "types/fac_w": lambda t: (fac(t), 0.3), "types/fac_f": lambda t: (fac(t), 0.3),
    "types/fac_ws": lambda t: (fac(t), 0.3), "types/mib_fac": lambda t: (fac(t), 0.3),
    "types/it_w": lambda t: (it(t), 0.3), "types/it_s": lambda t: (it(t), 0.3),
    "types/lines": lambda t: (it(t), 0.3), "types/mib_lines": lambda t: (it(t), 0.3),
    "types/cool_w": lambda t: (cool(t), 0.3),
    "types/it_e": lambda t: (e(800, t), 0.01), "types/fac_d": lambda t: (e(960, t), 0.01),
    "types/fac_e": lambda t: (mod(e(960, t) * 1e6, 2**32) * 1e-6, 0.01),
    "types/it_e32": lambda t: (mod(e(800, t) * 1e3, 2**32) * 1e-3, 0.01),
    "ups-mib/output_power": lambda t: (it(t), 0.3),
    "ups-mib/input_power": lambda t: (it(t) / 0.96, 0.3),
    "apc/power": lambda t: (it(t) / 160, 0.011),
    "apc/energy": lambda t: (math.floor(e(800, t) / 160 * 10) / 10, 0.11),
    "apc/output_power": lambda t: (it(t) * 0.01, 0.01),
    "apc/compressor_power": lambda t: (cool(t) / 2, 0.06),
}
bad, seen = [], set()
for line in open(sys.argv[1]):
    name, t_ms, v = line.split()
    t = (int(t_ms) - epoch) / 1000
    want, tol = model[name](t)
    seen.add(name)
    if abs(float(v) - want) > tol:
        bad.append(f"{name} at {t_ms}: {v}, model {want:.4f} +- {tol}")
missing = set(model) - seen
if missing:
    bad.append(f"no samples of {sorted(missing)}")
print("\n".join(bad[:10]))
sys.exit(1 if bad else 0)
EOF
stop_pid "$PUED_PID" 10000 || fail "pued exited with status $? on SIGTERM"
