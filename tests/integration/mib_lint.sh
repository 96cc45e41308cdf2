#!/bin/bash
# conf/PUED-MIB.txt is clean SMIv2: `smilint -l 4` prints nothing (when
# smitools is installed), and net-snmp resolves the notifications and
# objects pued sends to the OIDs lib/alerts/alert_mib.h builds. Debian ships none
# of the IETF modules the MIB imports (SNMPv2-SMI, -TC, -CONF: non-free
# licence) and the project cannot ship them: the test finds them where
# snmp-mibs-downloader puts them (or PUED_IETF_MIBS) and skips without them.
. "$(dirname "$0")/lib.sh"
find_ietf_mibs

mib=$TOP/conf/PUED-MIB.txt
[ -f "$mib" ] || fail "conf/PUED-MIB.txt is missing"
if command -v smilint >/dev/null 2>&1; then
	SMIPATH="$IETF_MIBS:" smilint -l 4 "$mib" >"$T/smilint.out" 2>&1 || true
	[ ! -s "$T/smilint.out" ] || { cat "$T/smilint.out"; fail "smilint -l 4 is not silent"; }
	note "smilint -l 4 $mib: nothing to say"
else
	note "smilint is not installed (Debian: smitools): lint skipped"
fi
if command -v snmptranslate >/dev/null 2>&1; then
	oid_of() { snmptranslate -M "$IETF_MIBS:$TOP/conf" -m PUED-MIB -On "PUED-MIB::$1" 2>&1; }
	for want in pueAlertFiring=.1.3.6.1.4.1.8072.9999.0.1 pueAlertResolved=.1.3.6.1.4.1.8072.9999.0.2 \
		pueSite=.1.3.6.1.4.1.8072.9999.1.1 pueWindowPueMilli=.1.3.6.1.4.1.8072.9999.1.7.1.5 \
		pueYearHeadroomKwh=.1.3.6.1.4.1.8072.9999.1.8.5 pueDeviceState=.1.3.6.1.4.1.8072.9999.1.9.1.5 \
		pueAlertRule=.1.3.6.1.4.1.8072.9999.2.2 pueAlertMessage=.1.3.6.1.4.1.8072.9999.2.12; do
		got=$(oid_of "${want%%=*}")
		[ "$got" = "${want#*=}" ] || fail "${want%%=*} is $got, lib/alerts/alert_mib.h says ${want#*=}"
	done
	note "PUED-MIB and lib/alerts/alert_mib.h agree on the OIDs"
fi
