#!/bin/bash
# The module graph of lib/ (tools/include-graph), derived from the #include
# lines: no circle of #includes among lib/ modules, no header declaring
# another module's functions (so that the include lines tell the
# dependencies), every file in a folder of the tool's LAYERS, no include
# of a higher folder than the includer's, and no circle of folders.
# Also proves the tool can fail: a copy of lib/ with one circle added
# (alert_target.h including alert_sink.h), one stray declaration, one
# upward include (core/decode.h including service/service.h) and one file
# outside the folders is refused, naming each.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is not installed"
"$TOP/tools/include-graph" "$TOP" >"$T/graph.log" 2>&1 || fail "$(cat "$T/graph.log")"
note "$(tail -n 1 "$T/graph.log")"

# The same check on a broken copy must fail, and say why.
mkdir -p "$T/copy"
cp -r "$TOP/lib" "$T/copy/lib"
sed -i 's|^#include "util/loop.h"$|#include "util/loop.h"\n#include "alerts/alert_sink.h"|' \
	"$T/copy/lib/alerts/alert_target.h"
grep -q '"alerts/alert_sink.h"' "$T/copy/lib/alerts/alert_target.h" ||
	fail "could not add the circle: alert_target.h no longer includes util/loop.h"
printf '\nvoid pue_window_add(void);\n' >>"$T/copy/lib/core/point.h"
sed -i '0,/^#include "/s||#include "service/service.h"\n#include "|' "$T/copy/lib/core/decode.h"
printf '/* a file outside the folders */\n' >"$T/copy/lib/stray.c"
if "$TOP/tools/include-graph" "$T/copy" >"$T/broken.log" 2>&1; then
	fail "a circle, a stray declaration, an upward include and a stray file passed: $(cat "$T/broken.log")"
fi
grep -q '^circle: .*alert_sink.*alert_target\|^circle: .*alert_target.*alert_sink' "$T/broken.log" ||
	fail "the circle was not named: $(cat "$T/broken.log")"
grep -q '^declaration: lib/core/point.h declares pue_window_add(), defined in lib/core/window.c' \
	"$T/broken.log" || fail "the stray declaration was not named: $(cat "$T/broken.log")"
grep -q '^layer: decode (core/) includes service (service/, a higher layer)$' "$T/broken.log" ||
	fail "the upward include was not named: $(cat "$T/broken.log")"
grep -q '^layer: a circle of folders: .*core.*service\|^layer: a circle of folders: .*service.*core' \
	"$T/broken.log" || fail "the circle of folders was not named: $(cat "$T/broken.log")"
grep -q '^folder: lib/stray.c is in no folder of LAYERS' "$T/broken.log" ||
	fail "the file outside the folders was not named: $(cat "$T/broken.log")"
note "a circle, a stray declaration, an upward include and a file outside the folders are refused"
