#!/bin/bash
# doc/pued.8, doc/puectl.1, doc/pued.yaml.5, doc/pued-agentx.8: `mandoc -T lint` finds nothing
# (style messages included, except the two that depend on what this machine
# has installed), `man -l` renders each without a warning, and the pages
# name what the programs have: every key of the configuration loader in
# pued.yaml(5), every command and long option of `puectl --help` in
# puectl(1), every long option of `pued --help` in pued(8) and of
# `pued-agentx --help` in pued-agentx(8); every page `make install` installs,
# and pued(8) points to pued-agentx(8).
. "$(dirname "$0")/lib.sh"

command -v mandoc >/dev/null 2>&1 || fail "mandoc is not installed (tools/install-deps check)"
pages=(pued.8 puectl.1 pued.yaml.5 pued-agentx.8)

for page in "${pages[@]}"; do
	f=$TOP/doc/$page
	[ -f "$f" ] || fail "doc/$page is missing"
	# Errors and warnings: mandoc's own verdict, whatever is installed.
	mandoc -T lint -W warning "$f" >"$T/lint.log" 2>&1 ||
		{ cat "$T/lint.log"; fail "mandoc -T lint: warnings in doc/$page"; }
	# Style too, but not "referenced manual not found" (pued's own pages are
	# not installed here, systemd's may not be) or a stale mandoc.db.
	mandoc -T lint -W style "$f" 2>&1 |
		grep -v -e 'STYLE: referenced manual not found' -e 'mandoc\.db' >"$T/style.log" || true
	[ ! -s "$T/style.log" ] || { cat "$T/style.log"; fail "mandoc -T lint: style messages in doc/$page"; }
	if command -v man >/dev/null 2>&1; then
		MANWIDTH=80 man --warnings -l "$f" >"$T/$page.txt" 2>"$T/man.log" ||
			{ cat "$T/man.log"; fail "man -l doc/$page failed"; }
		[ ! -s "$T/man.log" ] || { cat "$T/man.log"; fail "man -l doc/$page warns"; }
		[ -s "$T/$page.txt" ] || fail "man -l doc/$page rendered nothing"
	fi
	note "doc/$page: clean"
done
command -v man >/dev/null 2>&1 || note "man(1) is missing: rendering not checked"

# Every key the loader knows (the *_keys[] tables in lib/config/config*.c) is
# described in pued.yaml(5).
keys=$(awk '/_keys\[\] = \{/ { t = 1 } t { print } /\};/ { t = 0 }' "$TOP"/lib/config/config*.c |
	grep -o '"[a-z_0-9]*"' | tr -d '"' | sort -u)
[ -n "$keys" ] || fail "found no key tables in lib/config/config*.c"
missing=""
for k in $keys; do
	grep -Eq "Cm $k( |$)" "$TOP/doc/pued.yaml.5" || missing="$missing $k"
done
[ -z "$missing" ] || fail "pued.yaml(5) does not describe:$missing"
note "pued.yaml(5): all $(echo $keys | wc -w) keys of the loader"

# puectl's commands and long options, pued's long options.
cmds=$("$BIN/puectl" --help | awk '/^commands/ { c = 1; next } /^[^ ]/ { c = 0 } c && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || fail "no commands in puectl --help"
for c in $cmds; do
	grep -Eq "^\.It Cm $c( |$)" "$TOP/doc/puectl.1" || missing="$missing $c"
done
for o in $("$BIN/puectl" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "Fl \\\\-${o#--}" "$TOP/doc/puectl.1" || missing="$missing $o"
done
[ -z "$missing" ] || fail "puectl(1) does not describe:$missing"
for o in $("$BIN/pued" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "Fl \\\\-${o#--}" "$TOP/doc/pued.8" || missing="$missing $o"
done
[ -z "$missing" ] || fail "pued(8) does not describe:$missing"
for o in $("$BIN/pued-agentx" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -q -- "Fl \\\\-${o#--}" "$TOP/doc/pued-agentx.8" || missing="$missing $o"
done
[ -z "$missing" ] || fail "pued-agentx(8) does not describe:$missing"
grep -q '^\.Xr pued-agentx 8' "$TOP/doc/pued.8" || fail "pued(8) does not refer to pued-agentx(8)"
grep -qw AgentX "$TOP/doc/pued.8" || fail "pued(8) does not mention AgentX"

# make install puts every page where man finds it.
# The programs as built (-o): a test never rebuilds what other tests run.
make -s -C "$TOP" BUILD="$BUILD" -o "$BUILD/pued" -o "$BUILD/puectl" -o "$BUILD/pued-agentx" \
	DESTDIR="$T/root" PREFIX=/usr SYSCONFDIR=/etc install >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log"; fail "make install DESTDIR=$T/root"; }
for page in "${pages[@]}"; do
	[ -f "$T/root/usr/share/man/man${page##*.}/$page" ] || fail "make install does not install $page"
done
note "make install: all ${#pages[@]} pages"
