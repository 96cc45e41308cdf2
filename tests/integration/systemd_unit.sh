#!/bin/bash
# systemd/pued.service.in, rendered as `make install` renders it:
# `systemd-analyze verify` is clean and `systemd-analyze security
# --offline=true` rates it 2.0 or lower, alone and with the serial drop-in
# (systemd/pued-serial.conf); the settings meters, the NOC and puectl
# depend on are there. Skipped with a note where systemd-analyze is missing.
# Works without systemd running as PID 1: verify only needs the programs
# the unit names to exist, and the man pages it names to be found.
. "$(dirname "$0")/lib.sh"

if ! command -v systemd-analyze >/dev/null 2>&1; then
	note "SKIP: systemd-analyze is not installed; the unit was not checked"
	exit 0
fi
note "$(systemd-analyze --version | head -n1)"

# ExecStart must name an executable that exists, so @SBINDIR@ is the build.
render() { # render DIR: DIR/pued.service
	mkdir -p "$1"
	sed -e "s|@SBINDIR@|$BIN|g" -e "s|@SYSCONFDIR@|$T/etc|g" \
		"$TOP/systemd/pued.service.in" >"$1/pued.service"
	! grep -n '@[A-Z]*@' "$1/pued.service" || fail "a placeholder was left unrendered"
}
render "$T/plain"
render "$T/serial"
mkdir -p "$T/serial/pued.service.d"
cp "$TOP/systemd/pued-serial.conf" "$T/serial/pued.service.d/serial.conf"

# verify runs man(1) on every Documentation= page: point it at doc/.
verify_opts=()
if command -v man >/dev/null 2>&1; then
	for page in puectl.1 pued.yaml.5 pued.8; do
		mkdir -p "$T/man/man${page##*.}"
		ln -s "$TOP/doc/$page" "$T/man/man${page##*.}/$page"
	done
	export MANPATH=$T/man
else
	note "man(1) is missing: verify runs with --man=no"
	verify_opts+=(--man=no)
fi

for variant in plain serial; do
	unit=$T/$variant/pued.service
	set +e
	systemd-analyze verify "${verify_opts[@]}" "$unit" >"$T/verify-$variant.log" 2>&1
	rc=$?
	set -e
	cat "$T/verify-$variant.log"
	[ $rc -eq 0 ] || fail "systemd-analyze verify ($variant) exited $rc"
	[ ! -s "$T/verify-$variant.log" ] || fail "systemd-analyze verify ($variant) is not clean"

	systemd-analyze security --offline=true "$unit" >"$T/security-$variant.log" 2>&1 ||
		{ cat "$T/security-$variant.log"; fail "systemd-analyze security ($variant) failed"; }
	grep '✗' "$T/security-$variant.log" || true
	exposure=$(sed -n 's/.*Overall exposure level for pued\.service: \([0-9.]*\).*/\1/p' \
		"$T/security-$variant.log")
	[ -n "$exposure" ] || fail "no overall exposure in the security report ($variant)"
	note "exposure ($variant): $exposure"
	awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' ||
		fail "exposure $exposure ($variant) is above 2.0"
done

# What pued needs must survive the hardening: TCP to meters and UDP to SNMP
# agents and the NOC at any address, the UNIX control socket, the group of
# the socket and the configuration, notify and watchdog, reload by SIGHUP.
u=$T/plain/pued.service
want() { grep -qx -- "$1" "$u" || fail "pued.service lacks $1"; }
want 'Type=notify'
want 'ExecReload=/bin/kill -HUP $MAINPID'
want 'Restart=on-failure'
want 'WatchdogSec=30s'
want 'DynamicUser=yes'
want 'StateDirectory=pued'
want 'RuntimeDirectory=pued'
want 'ConfigurationDirectory=pued'
want 'User=_pued'
want 'Group=pued'
want 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'
# The boot id that ProcSubset=pid hides (clock.h, pue_clock_boot_id()).
want 'ProcSubset=pid'
want 'Environment=PUED_BOOT_ID=%b'
# IPAddressDeny=any would cut off meters at the site's own addresses.
! grep -q '^IPAddressDeny=' "$u" || fail "pued.service limits IP addresses; meters are anywhere"
# ~@privileged takes chown(2) away; the socket's group needs it back.
grep -q '^SystemCallFilter=@chown' "$u" || fail "chown(2) is filtered: the socket would keep its group"
grep -qx 'DeviceAllow=char-ttyUSB rw' "$TOP/systemd/pued-serial.conf" ||
	fail "the serial drop-in does not allow ttyUSB devices"
grep -qx 'SupplementaryGroups=dialout' "$TOP/systemd/pued-serial.conf" ||
	fail "the serial drop-in does not add the dialout group"
