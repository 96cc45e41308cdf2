# SPDX-License-Identifier: MIT
# pued - one GNU Makefile. Objects go to build/; the source tree stays clean.
#   make            build pued, puectl and the facility simulator
#   make check      install missing Debian packages, build, run every test
#   make demo       install missing packages, run pued against the simulator
#   make bench      measurements (not part of check)
#   make install    PREFIX (default /usr/local) and DESTDIR honoured
#   SANITIZE=1      AddressSanitizer + UndefinedBehaviorSanitizer;  V=1 full commands

PKGS     := libmodbus yaml-0.1 sqlite3 jansson libsystemd
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
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
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

LIB_SRCS  := $(wildcard lib/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libpue.a
SIM_SRCS  := $(wildcard tests/sim/*.c)
SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PROGS     := $(BUILD)/pued $(BUILD)/puectl $(BUILD)/pue-sim

.PHONY: all check check-run demo bench install uninstall clean deps format
all: $(PROGS)

$(BUILD)/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

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

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	$(call say,LD,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# check and demo first install what is missing, then re-enter make so that
# pkg-config runs after the -dev packages exist.
check:
	@tools/install-deps check
	@$(MAKE) --no-print-directory check-run

check-run: $(PROGS) $(UNIT_BINS)
	@BUILD=$(BUILD) tests/run $(UNIT_BINS)

demo:
	@tools/install-deps demo
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tools/demo

bench:
	@tools/install-deps bench
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/run

install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/pued \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/pued
	install -m 755 $(BUILD)/pued $(DESTDIR)$(SBINDIR)/pued
	install -m 755 $(BUILD)/puectl $(DESTDIR)$(BINDIR)/puectl
	install -m 644 conf/pued.yaml $(DESTDIR)$(DATADIR)/pued/pued.yaml.example
	test -e $(DESTDIR)$(SYSCONFDIR)/pued/pued.yaml || \
		install -m 640 conf/pued.yaml $(DESTDIR)$(SYSCONFDIR)/pued/pued.yaml
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		systemd/pued.service.in > $(DESTDIR)$(UNITDIR)/pued.service
	chmod 644 $(DESTDIR)$(UNITDIR)/pued.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/pued $(DESTDIR)$(BINDIR)/puectl \
		$(DESTDIR)$(UNITDIR)/pued.service $(DESTDIR)$(DATADIR)/pued/pued.yaml.example

format:
	clang-format -i lib/*.[ch] daemon/*.c tests/unit/*.c tests/sim/*.[ch]

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
