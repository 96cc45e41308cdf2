#!/bin/bash
# The six fuzz targets (tests/fuzz) built with clang, ASan and UBSan and
# each run for a few seconds from its seed corpus: any crash, sanitizer
# report, leak or broken invariant fails the test. The corpus a run grows
# goes to a temporary directory. Skipped only where clang is missing
# (tools/install-deps check installs it with libclang-rt-14-dev).
. "$(dirname "$0")/lib.sh"

command -v clang >/dev/null || skip "clang is not installed (tools/install-deps check)"
make -C "$TOP" --no-print-directory -j2 fuzz-build >"$T/build.log" 2>&1 ||
	fail "make fuzz-build: $(tail -n 20 "$T/build.log")"
cd "$TOP" || exit 1
FUZZ_SECONDS=${FUZZ_SHORT_SECONDS:-5} FUZZ_CORPUS=temp tests/fuzz/run ||
	fail "a fuzz target failed (its log is in build/fuzz/NAME.log)"
