# slipway build: `make` (dynamic dev binary), `make check`, `make deps`,
# `make format`, `make check SAN=1` (ASan+UBSan+LSan), fixtures and VM layers.
.SUFFIXES:
.DELETE_ON_ERROR:

CC ?= cc
PKG_CONFIG ?= pkg-config
SAN ?= 0
V ?= 0

ifeq ($(SAN),1)
BUILD ?= build-san
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS =
endif

PKGS = blkid fdisk mount ncursesw libcryptsetup rpm libsolv libsolvext libcurl json-c libcrypt expat
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0)
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 -Wno-format-nonliteral
override CFLAGS += -std=gnu17 $(WARN) $(SAN_FLAGS) -D_GNU_SOURCE -DSLIPWAY_VERSION='"$(VERSION)"' \
	-I. -Icommon $(PKG_CFLAGS) -MMD -MP
override LDFLAGS += $(SAN_FLAGS)
LIBS = $(PKG_LIBS) -lm

SRC_DIRS = common kickstart installer partition payload system bootloader ui
LIB_SRCS := $(filter-out installer/main.c,$(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Test drivers: small programs the integration tests run (not tests themselves).
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tests/tools/%)

ifeq ($(V),1)
Q =
else
Q = @
endif

all: $(BUILD)/slipway

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# The objects that say the version are rebuilt when it changes (a new commit,
# a dirty tree): the stamp is rewritten only when its text differs.
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
$(BUILD)/installer/main.o $(BUILD)/payload/fetch.o $(BUILD)/system/sbom.o: $(BUILD)/version.stamp
FORCE:

$(BUILD)/libslipway.a: $(LIB_OBJS)
	@[ "$(Q)" ] && echo "  AR      $@" || true
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/slipway: $(BUILD)/installer/main.o $(BUILD)/libslipway.a
	@[ "$(Q)" ] && echo "  LD      $@" || true
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libslipway.a
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  TEST    $@" || true
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libslipway.a $(LIBS) -lcmocka

$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libslipway.a
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  TOOL    $@" || true
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libslipway.a $(LIBS)

tests: $(UNIT_BINS) $(TOOL_BINS)

# The layers of the test suite; tests/run.sh prints one summary line. The
# fixtures come first (cached): unit tests that read them must not skip on a
# fresh machine.
check: all tests fixtures
	@BUILD=$(BUILD) tests/run.sh $(CHECK_LAYERS)

check-unit: all tests
	@BUILD=$(BUILD) tests/run.sh unit

check-full: all tests fixtures
	@BUILD=$(BUILD) FULL=1 tests/run.sh

deps:
	@tools/deps.sh

# The unattended image install of the README. Needs the payload, storage,
# system and bootloader stages; until they land it says so and fails.
demo: deps all
	@tools/demo.sh

fixtures:
	@tests/fixtures/distro/build.sh >/dev/null
	@tests/fixtures/synth/build.sh >/dev/null

fixture-path:
	@tests/fixtures/distro/build.sh

# Benchmarks against dnf, rpm -i, tar -x and the shell baseline (tools/bench/,
# docs/performance.md): one table, build/bench/bench.{txt,json,png}.
bench: all fixtures
	@BUILD=$(BUILD) tools/bench/bench.sh

format:
	clang-format -i $(LIB_SRCS) installer/main.c $(wildcard */*.h) $(UNIT_SRCS)

clean:
	rm -rf build build-san

# ---------------------------------------------------------------------------
# make static: the release binary, fully static (glibc), from the same sources.
# Owned by tools/static/ (README there). Libraries Debian ships no .a for come from
# tools/static/build-libs.sh (a cached prefix); a sub-make links against it with
# pkg-config --static, the prefix's .pc files first. `make -s static-path` prints
# the binary's path.
STATIC_DIR = build-static
STATIC_DEBIAN_DEVS = libpopt-dev libargon2-dev libcrypt-dev liblua5.4-dev
ifdef STATIC_PREFIX
# (the sub-make of `static`): Debian's .a files for everything the prefix lacks
STATIC_CRYPTSETUP := $(shell $(PKG_CONFIG) --modversion libcryptsetup 2>/dev/null)
STATIC_DEBIAN := $(shell dpkg-query -W -f='$${source:Package} $${Version}, ' $(STATIC_DEBIAN_DEVS) 2>/dev/null | sed 's/, $$//')
endif

static:
	@prefix=$$(tools/static/build-libs.sh) && mkdir -p $(STATIC_DIR) && \
	{ [ "$$(cat $(STATIC_DIR)/prefix 2>/dev/null)" = "$$prefix" ] || rm -rf $(STATIC_DIR)/obj; } && \
	echo "$$prefix" >$(STATIC_DIR)/prefix && \
	$(MAKE) --no-print-directory SAN=0 BUILD=$(STATIC_DIR)/obj STATIC_PREFIX=$$prefix \
		PKG_CONFIG="env PKG_CONFIG_PATH=$$prefix/lib/pkgconfig $(PKG_CONFIG) --static" \
		CFLAGS="-O2 -g -ffunction-sections -fdata-sections -DSLIPWAY_STATIC" \
		LDFLAGS="-static -Wl,--gc-sections" $(STATIC_DIR)/obj/slipway && \
	$(MAKE) --no-print-directory $(STATIC_DIR)/slipway
	@echo "static: $(CURDIR)/$(STATIC_DIR)/slipway, $$(stat -c %s $(STATIC_DIR)/slipway | numfmt --to=iec-i --suffix=B) stripped"

# (a new prefix, i.e. new library versions, rebuilds every object: see `static`)
ifdef STATIC_PREFIX
override CFLAGS += -DSLIPWAY_CRYPTSETUP_VERSION='"$(STATIC_CRYPTSETUP)"' \
	-DSLIPWAY_STATIC_DEBIAN='"$(STATIC_DEBIAN)"' \
	-DSLIPWAY_RPM_CONFIG='"$(STATIC_PREFIX)/lib/rpm"'
endif

$(STATIC_DIR)/slipway: $(STATIC_DIR)/obj/slipway
	@[ "$(Q)" ] && echo "  STRIP   $@" || true
	$(Q)strip -o $@ $<

static-path:
	@echo $(CURDIR)/$(STATIC_DIR)/slipway

static-clean:
	rm -rf $(STATIC_DIR)
clean: static-clean

.PHONY: static static-path static-clean

# ---------------------------------------------------------------------------
# make iso: the hybrid BIOS/UEFI installer ISO (tools/iso/README.md): the static
# binary (SLIPWAY_BIN=FILE puts another one in), the host's kernel, a cached
# initramfs base, the test distro repo at the ISO's root. `make -s iso-path`
# prints the ISO's absolute path only.
iso:
	@tools/iso/mkiso.sh >/dev/null

iso-path:
	@tools/iso/mkiso.sh --print-path

.PHONY: iso iso-path

PHONY_DEMO = demo
.PHONY: FORCE $(PHONY_DEMO) all tests check check-unit check-full deps fixtures fixture-path bench format clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- fuzzing (issue 12): `make fuzz FUZZ_SECONDS=N` ----
# libFuzzer targets tests/fuzz/fuzz_*.c, built with clang and ASan+UBSan in
# $(FUZZ_BUILD)/ (never mixed with the gcc objects of build/ or build-san/),
# each run for FUZZ_SECONDS in an empty temporary directory under nice.
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_NICE ?= nice -n 19
FUZZ_TARGETS ?= kickstart size url
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu17 $(WARN) -O1 -g $(FUZZ_SAN) -D_GNU_SOURCE -DSLIPWAY_VERSION='"$(VERSION)"' \
	-I. -Icommon $(PKG_CFLAGS) -MMD -MP
# common/run.c is not needed by the targets (and clang rejects its goto
# past a cleanup variable in child(), which gcc accepts).
# The url target adds the source parsers: inst.repo=, inst.ks=, ip= and the
# whole boot command line (installer/), and the mirror list and metalink
# parsers with what they link against (payload/).
FUZZ_LIB_SRCS := $(filter-out common/run.c,$(wildcard common/*.c kickstart/*.c)) installer/inst-repo.c \
	installer/bootargs.c installer/finish-names.c \
	$(addprefix payload/,mirrors.c file.c fetch.c repos.c)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
# No input may read host files or the network: see tests/fuzz/fuzz_kickstart.c.
FUZZ_LDFLAGS_kickstart = -Wl,--wrap=strbuf_read_file -Wl,--wrap=ks_fetch_url

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  CC-FUZZ $<" || true
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libslipway-fuzz.a: $(FUZZ_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libslipway-fuzz.a
	@[ "$(Q)" ] && echo "  FUZZ-LD $@" || true
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_LDFLAGS_$*) -o $@ $< \
		$(FUZZ_BUILD)/libslipway-fuzz.a $(LIBS)

fuzz-build: $(FUZZ_BINS)

# Each target in turn (tests/fuzz/run.sh): the working corpus is kept in
# $(FUZZ_BUILD)/corpus/; a crash is minimized into $(FUZZ_BUILD)/crash-TARGET
# and fails the run.
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		FUZZ_NICE="$(FUZZ_NICE)" tests/fuzz/run.sh $$t $(FUZZ_SECONDS) $(FUZZ_BUILD) || exit 1; \
	done

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

.PHONY: fuzz fuzz-build fuzz-clean
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
