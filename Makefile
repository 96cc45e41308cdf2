# SPDX-License-Identifier: MIT
# pued - one GNU Makefile. Objects go to build/; the source tree stays clean.
#   make            build pued, puectl and the facility simulator
#   make check      install missing Debian packages, build, run every test
#                   (JOBS=N at a time; default twice the cores, see tests/run)
#   make stress-check  make check 3 times with every core kept busy
#   make soak       the real-time variants of tests (minutes each; not in check)
#   make demo       install missing packages, run pued against the simulator
#   make bench      measurements (not part of check)
#   make screenshots  the README's pictures in doc/img/ (tools/screenshots)
#   make install    PREFIX (default /usr/local) and DESTDIR honoured
#   make deb        a Debian package in build/deb/ (tools/test-deb tries it)
#   SANITIZE=1      AddressSanitizer + UndefinedBehaviorSanitizer;  V=1 full commands

# libmicrohttpd: the /metrics listener (lib/http/http_server.c); libxcrypt: bcrypt
# for its basic_auth_users (lib/http/http_auth.c). No libsystemd: sd_notify is
# lib/util/notify.c's (libsystemd and what it loads cost 1.1 MB of RSS).
PKGS     := libmodbus netsnmp libcrypto yaml-0.1 sqlite3 jansson libmicrohttpd libxcrypt
BUILD    ?= build
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
SBINDIR  ?= $(PREFIX)/sbin
SYSCONFDIR ?= $(PREFIX)/etc
DATADIR  ?= $(PREFIX)/share
UNITDIR  ?= $(PREFIX)/lib/systemd/system

CC       ?= cc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wvla \
            -Wstrict-prototypes -Wmissing-prototypes -MMD -MP -Ilib
CFLAGS   += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd is not linked but loaded when an http: listener starts
# (lib/http/http_mhd.h: with GnuTLS behind it, it costs 2.8 MB of RSS at load),
# by the soname of the one pued is built against.
LDLIBS   += $(shell pkg-config --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null) -ldl -lpthread -lm
MHD_SONAME := $(shell objdump -p $$(pkg-config --variable=libdir libmicrohttpd 2>/dev/null)/libmicrohttpd.so 2>/dev/null | awk '/SONAME/ { print $$2 }')
# Installed meter maps (conf/meters), for "map: NAME" in pued.yaml.
CFLAGS   += -DPUE_MAPS_DIR='"$(DATADIR)/pued/meters"'
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build/sanitize
endif

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

LIB_SRCS  := $(wildcard lib/*/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libpue.a
SIM_SRCS  := $(wildcard tests/sim/*.c)
SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PROGS     := $(BUILD)/pued $(BUILD)/puectl $(BUILD)/pue-sim

# --- SNMP simulator (issue 5) ------------------------------------------------
# pue-snmp-pass: the pass_persist program the SNMP tests give a real snmpd
# (tests/snmpsim/README.md). Kept here, above "all:", so that PROGS has it
# before any rule uses the variable.
SNMPSIM_SRCS := $(wildcard tests/snmpsim/*.c)
SNMPSIM_OBJS := $(SNMPSIM_SRCS:%.c=$(BUILD)/%.o)
PROGS        += $(BUILD)/pue-snmp-pass
# --- end of the SNMP simulator block (its link rule is below "all:") --------

# --- stepped test clock (issue 13) --------------------------------------------
# pue-clock: the harness's hand on the stepped clock (tests/clock/pue-clock.c).
CLOCKTOOL_SRCS := $(wildcard tests/clock/*.c)
PROGS          += $(BUILD)/pue-clock
# --- end of the stepped test clock block (its link rule is below "all:") ----

# --- version (issue 15) ------------------------------------------------------
# One version for every --version: the upstream part of debian/changelog's
# newest entry ("pued (0.1.0-1) ..." gives 0.1.0). Only lib/util/version.o sees
# it, and it depends on the changelog, so a new entry rebuilds that object.
PUE_VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog | sed 's/-[^-]*$$//')
$(BUILD)/lib/util/version.o: CFLAGS += -DPUE_VERSION='"$(PUE_VERSION)"'
# --- end of the version block (its changelog rule is below "all:") -------------------------------------------------

# --- the numeric core (issue 16) ---------------------------------------------
# From a meter's registers to a stored, judged PUE figure: the modules that
# take small value types (point.h, reading.h, interval.h, minute.h,
# pue_def.h) instead of the configuration, and return errors instead of
# logging (store_config.c logs for the store). Their unit tests link
# against LIBPUE_CORE alone, not libpue.a: a core module that comes to need
# config.o, yaml_tree.o or log.o (or anything else outside the list) fails
# its tests' link with an undefined reference, and $(BUILD)/core-headers.ok
# fails the build when a core source includes a header of the loader
# (config*.h), of the YAML reader (yaml_*.h) or log.h, even for a type.
CORE_MODULES   := err utf8 clock point quantity duration decode counter_rate energy combine window figure year \
                  store store_db store_read store_schema report \
                  sample_codec sample_encode raw_blocks raw_cursor raw_vtab store_blocks \
                  notify
CORE_TESTS     := test_decode test_energy test_combine test_window test_figure test_year \
                  test_store test_report test_clock test_counter_rate \
                  test_sample_codec test_store_blocks test_raw_cursor
CORE_FORBIDDEN := config yaml_tree log
LIBPUE_CORE    := $(foreach m,$(CORE_MODULES),$(filter %/$(m).o,$(LIB_OBJS)))
# Headers of the forbidden modules, and of their parts (config_types.h,
# yaml_load.h, ...).
CORE_FORBIDDEN_RE := config[a-z_]*|yaml_[a-z_]*|log
ifneq ($(filter $(CORE_FORBIDDEN),$(CORE_MODULES)),)
$(error the numeric core must not hold $(filter $(CORE_FORBIDDEN),$(CORE_MODULES)))
endif
# --- end of the numeric core block (its rules are below "all:") ---------------

# --- AgentX subagent (issue 8) -----------------------------------------------
# pued-agentx: the helper pued starts for alerts.agentx (lib/alerts/agentx.h says
# why it is a process); only it links net-snmp's agent library.
AGENTX_LIBS := $(shell pkg-config --libs netsnmp-agent 2>/dev/null)
PROGS       += $(BUILD)/pued-agentx

# --- raw samples as SQL (issue 18) -------------------------------------------
# pue_samples.so: the SQLite extension that shows the raw blocks as the
# schema-4 table samples(t, point, value) (lib/store/raw_vtab.h), for the sqlite3
# shell and the integration tests. Built without the sanitizers even with
# SANITIZE=1, because the shell that loads it has no sanitizer runtime.
EXT_SRCS   := lib/store/raw_vtab.c lib/store/raw_cursor.c lib/store/sample_codec.c lib/util/err.c \
              lib/util/utf8.c
EXT_CFLAGS := $(filter-out -fsanitize% -fno-sanitize%,$(CFLAGS)) -fPIC -fvisibility=hidden \
              -DPUE_SQLITE_EXTENSION
# The caller's link flags too (a Debian build's -z relro -z now: lintian's
# hardening-no-bindnow), without the sanitizers.
EXT_LDFLAGS = $(filter-out -fsanitize% -fno-sanitize%,$(LDFLAGS))
PROGS      += $(BUILD)/pue_samples.so
PKGLIBDIR  ?= $(PREFIX)/lib/pued
# --- end of the raw samples block (its rules are below "all:") ---------------

.PHONY: all check check-run stress-check soak demo bench screenshots install uninstall deb clean deps format
all: $(PROGS)

$(BUILD)/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

ifneq ($(MHD_SONAME),)
$(BUILD)/lib/http/http_mhd.o: CFLAGS += -DPUE_MHD_SONAME='"$(MHD_SONAME)"'
endif

$(LIB): $(LIB_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/pued: $(BUILD)/daemon/pued.o $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/puectl: $(BUILD)/daemon/puectl.o $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/pue-sim: $(SIM_OBJS) $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# --- SNMP simulator (issue 5): link rule, see the block above "all:" -------
$(BUILD)/pue-snmp-pass: $(SNMPSIM_OBJS) $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# --- stepped test clock (issue 13): link rule, see the block above "all:" --
$(BUILD)/pue-clock: $(CLOCKTOOL_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# --- version (issue 15): see the block above "all:" ------------------------
$(BUILD)/lib/util/version.o: debian/changelog

# --- AgentX subagent (issue 8): link rule, see the block above "all:" ------
$(BUILD)/pued-agentx: $(BUILD)/daemon/pued_agentx.o $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(AGENTX_LIBS) $(LDLIBS)

# --- raw samples as SQL (issue 18): see the block above "all:" ------------
$(BUILD)/ext/%.o: %.c
	$(call say,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(EXT_CFLAGS) -c -o $@ $<

$(BUILD)/pue_samples.so: $(EXT_SRCS:%.c=$(BUILD)/ext/%.o)
	$(call say,LD,$@)
	$(Q)$(CC) -shared $(EXT_LDFLAGS) -o $@ $^ -lm

# --- the numeric core (issue 16): see the block above "all:" ----------------
$(BUILD)/core-headers.ok: $(LIBPUE_CORE)
	$(call say,CHECK,$@)
	$(Q)bad=$$(grep -lE '(^|[ /])lib/([a-z]+/)?($(CORE_FORBIDDEN_RE))\.h' $(LIBPUE_CORE:.o=.d)); \
	if [ -n "$$bad" ]; then \
		echo "numeric core: $$bad include config*.h, yaml_*.h or log.h" >&2; exit 1; fi
	$(Q)touch $@

$(CORE_TESTS:%=$(BUILD)/tests/%): $(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBPUE_CORE) \
		| $(BUILD)/core-headers.ok
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS) -lcmocka

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# check and demo first install what is missing, then re-enter make so that
# pkg-config runs after the -dev packages exist; the build inside uses every
# core unless make was given its own -j.
JOBS_FLAG := $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
check:
	@tools/install-deps check
	@$(MAKE) --no-print-directory $(JOBS_FLAG) check-run

# The IETF base modules PUED-MIB imports come from Debian's non-free
# snmp-mibs-downloader (tools/ietf-mibs); without them the MIB tests skip.
check-run: $(PROGS) $(UNIT_BINS)
	@tools/ietf-mibs build/ietf-mibs || echo "check: no IETF MIB modules; the MIB tests will be skipped"
	@BUILD=$(BUILD) tests/run $(UNIT_BINS)

# make check under load: CPU hogs on every core (tests/stress-check).
stress-check:
	@tests/stress-check

# make soak: tests whose point is real time, run with SOAK=1 (each says
# what it does then); they mostly sleep. Not part of check.
SOAK_TESTS := alerts_gateway_dead_unit
soak: $(PROGS)
	@tools/ietf-mibs build/ietf-mibs || echo "soak: no IETF MIB modules; the tests will be skipped"
	@for t in $(SOAK_TESTS); do \
		echo "  SOAK   $$t"; \
		BUILD=$(BUILD) SOAK=1 bash tests/integration/$$t.sh || exit 1; \
	done

demo:
	@tools/install-deps demo
	@$(MAKE) --no-print-directory $(JOBS_FLAG) all
	@BUILD=$(BUILD) tools/demo

bench:
	@tools/install-deps bench
	@$(MAKE) --no-print-directory $(JOBS_FLAG) all
	@BUILD=$(BUILD) bench/run

# The status page, a week's HTML report and a terminal plot, from pued and
# the simulator on the stepped clock (headless Chromium); into doc/img/.
screenshots:
	@tools/install-deps screenshots
	@$(MAKE) --no-print-directory $(JOBS_FLAG) all
	@BUILD=$(BUILD) tools/screenshots

# --- fuzzing (issue 13) -------------------------------------------------------
# make fuzz: the libFuzzer targets tests/fuzz/fuzz_NAME.c, built with clang,
# ASan and UBSan into $(FUZZ_DIR) (libpue compiled again there, apart from
# the gcc build), then each run for FUZZ_SECONDS (300) from its seeds in
# tests/fuzz/corpus/NAME; what a run adds goes to $(FUZZ_DIR)/corpus-NAME,
# never to the source tree. make fuzz-build only builds; make check runs
# each target for a few seconds (tests/integration/fuzz_short.sh).
# FUZZ_KNOWN_DEFECTS switches off engine invariants the code is known to
# break (tests/fuzz/README.md); none since the ceiling rule and the
# plausibility checks of issue 14 landed.
FUZZ_DIR     := build/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := config decode snmp_value control engine sample_codec
FUZZ_KNOWN_DEFECTS ?=
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined \
                $(filter-out -O% -g -fsanitize% -fno-sanitize% -fno-omit-frame-pointer,$(CFLAGS))
FUZZ_LIB     := $(FUZZ_DIR)/libpue.a
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_COV     := -fsanitize=fuzzer-no-link
# The engine's minute loop (engine.c, window.c, combine.c) compares times
# and indices computed from the clock, never bytes of the input, so the
# comparison hooks (trace-cmp) there cannot guide the mutator; they took
# 40% of fuzz_engine's time. Edge coverage (cov:, ft:) is unchanged.
FUZZ_NO_CMP  := engine window combine
$(foreach m,$(FUZZ_NO_CMP),$(filter %/$(m).o,$(LIB_SRCS:%.c=$(FUZZ_DIR)/%.o))): FUZZ_COV += -fno-sanitize-coverage=trace-cmp
.PHONY: fuzz fuzz-build

$(FUZZ_DIR)/lib/%.o: lib/%.c
	$(call say,FUZZCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -c -o $@ $<

$(FUZZ_LIB): $(LIB_SRCS:%.c=$(FUZZ_DIR)/%.o)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_KNOWN_DEFECTS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) \
		$(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_TARGETS)

-include $(wildcard $(FUZZ_DIR)/*.d $(FUZZ_DIR)/lib/*.d $(FUZZ_DIR)/lib/*/*.d)
# --- end of the fuzzing block -------------------------------------------------

# --- install, uninstall, deb (issue 9) ----------------------------------------
# Installs no $(SYSCONFDIR)/pued/pued.yaml: the reference configuration
# polls example meters and alerts example targets, so it goes to
# share/pued/pued.yaml.example, and the unit waits (ConditionPathExists=) for
# the administrator's own file (README "Install"). The MIB and the meter maps
# are installed when they exist at build time. As root without DESTDIR, the
# system group pued (pued.sysusers) is created.
MANDIR      ?= $(DATADIR)/man
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
MIBDIR      ?= $(DATADIR)/snmp/mibs
install: $(BUILD)/pued $(BUILD)/puectl $(BUILD)/pued-agentx $(BUILD)/pue_samples.so
	$(call say,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/pued \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/pued $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(Q)install -m 755 $(BUILD)/pued $(DESTDIR)$(SBINDIR)/pued
	$(Q)install -m 755 $(BUILD)/puectl $(DESTDIR)$(BINDIR)/puectl
	$(Q)install -m 755 $(BUILD)/pued-agentx $(DESTDIR)$(SBINDIR)/pued-agentx # issue 8
	$(Q)install -m 644 conf/pued.yaml $(DESTDIR)$(DATADIR)/pued/pued.yaml.example
	$(Q)install -d $(DESTDIR)$(PKGLIBDIR) # issue 18: the samples table for the sqlite3 shell
	$(Q)install -m 644 $(BUILD)/pue_samples.so $(DESTDIR)$(PKGLIBDIR)/pue_samples.so
	$(Q)install -d $(DESTDIR)$(DATADIR)/pued/schema
	$(Q)install -m 644 doc/schema/*.json $(DESTDIR)$(DATADIR)/pued/schema/
	$(Q)if test -d conf/meters; then \
		install -d $(DESTDIR)$(DATADIR)/pued/meters && \
		install -m 644 conf/meters/*.yaml $(DESTDIR)$(DATADIR)/pued/meters/; fi
	$(Q)install -d $(DESTDIR)$(DATADIR)/pued/prometheus $(DESTDIR)$(DATADIR)/pued/grafana # issue 17
	$(Q)install -m 644 conf/prometheus/pued-rules.yml conf/prometheus/pued-rules.test.yml \
		$(DESTDIR)$(DATADIR)/pued/prometheus/
	$(Q)install -m 644 conf/grafana/pued-dashboard.json $(DESTDIR)$(DATADIR)/pued/grafana/
	$(Q)if test -f conf/PUED-MIB.txt; then \
		install -d $(DESTDIR)$(MIBDIR) && \
		install -m 644 conf/PUED-MIB.txt $(DESTDIR)$(MIBDIR)/PUED-MIB.txt; fi
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		systemd/pued.service.in > $(DESTDIR)$(UNITDIR)/pued.service
	$(Q)chmod 644 $(DESTDIR)$(UNITDIR)/pued.service
	$(Q)install -m 644 systemd/pued-serial.conf $(DESTDIR)$(DATADIR)/pued/pued-serial.conf
	$(Q)install -m 644 systemd/pued.sysusers $(DESTDIR)$(SYSUSERSDIR)/pued.conf
	$(Q)install -m 644 doc/puectl.1 $(DESTDIR)$(MANDIR)/man1/puectl.1
	$(Q)install -m 644 doc/pued.yaml.5 $(DESTDIR)$(MANDIR)/man5/pued.yaml.5
	$(Q)install -m 644 doc/pued.8 $(DESTDIR)$(MANDIR)/man8/pued.8
	$(Q)install -m 644 doc/pued-agentx.8 $(DESTDIR)$(MANDIR)/man8/pued-agentx.8
	$(Q)if test -z "$(DESTDIR)" && test "$$(id -u)" -eq 0; then \
		if command -v systemd-sysusers >/dev/null; then \
			systemd-sysusers $(SYSUSERSDIR)/pued.conf; \
		elif ! getent group pued >/dev/null; then groupadd --system pued; fi; \
	fi

uninstall:
	$(call say,RM,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/pued $(DESTDIR)$(BINDIR)/puectl $(DESTDIR)$(SBINDIR)/pued-agentx \
		$(DESTDIR)$(UNITDIR)/pued.service $(DESTDIR)$(DATADIR)/pued/pued.yaml.example \
		$(DESTDIR)$(DATADIR)/pued/pued-serial.conf $(DESTDIR)$(SYSUSERSDIR)/pued.conf \
		$(DESTDIR)$(MIBDIR)/PUED-MIB.txt $(DESTDIR)$(MANDIR)/man1/puectl.1 \
		$(DESTDIR)$(MANDIR)/man5/pued.yaml.5 $(DESTDIR)$(MANDIR)/man8/pued.8 \
		$(DESTDIR)$(MANDIR)/man8/pued-agentx.8
	$(Q)rm -rf $(DESTDIR)$(DATADIR)/pued/meters $(DESTDIR)$(DATADIR)/pued/schema \
		$(DESTDIR)$(DATADIR)/pued/prometheus $(DESTDIR)$(DATADIR)/pued/grafana
	$(Q)rm -f $(DESTDIR)$(PKGLIBDIR)/pue_samples.so
	$(Q)rmdir $(DESTDIR)$(PKGLIBDIR) 2>/dev/null || true
	$(Q)rmdir $(DESTDIR)$(DATADIR)/pued 2>/dev/null || true
	@echo "  kept   $(DESTDIR)$(SYSCONFDIR)/pued, the group pued and pued's database"

# make deb: a binary package built by dpkg-buildpackage (debhelper, debian/)
# from a copy of the tree in $(BUILD)/deb/src, so that the source tree stays
# clean; the .deb lands in $(BUILD)/deb/. tools/test-deb installs and purges
# it in a fresh Debian 12 chroot.
# dpkg-buildpackage runs in $(BUILD)/deb/src; its log is $(BUILD)/deb/build.log.
DEB_LOG := $(if $(filter 1,$(V)),,> ../build.log 2>&1 || \
	{ tail -n 40 ../build.log; echo "make deb: log in $(BUILD)/deb/build.log"; exit 1; })
deb:
	@tools/install-deps deb
	$(call say,DEB,$(BUILD)/deb)
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	$(Q)tar --exclude=./build --exclude=./.git -cf - . | tar -C $(BUILD)/deb/src -xf -
	$(Q)cd $(BUILD)/deb/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b $(DEB_LOG)
	@ls $(BUILD)/deb/*.deb

format:
	clang-format -i lib/*/*.[ch] daemon/*.c tests/unit/*.c tests/sim/*.[ch]

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' -type f -not -path '*/deb/*' 2>/dev/null)
.SECONDARY:
