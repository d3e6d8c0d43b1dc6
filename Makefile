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

PKGS = blkid fdisk mount ncursesw libcryptsetup rpm libsolv libsolvext libcurl json-c libcrypt
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

# The layers of the test suite; tests/run.sh prints one summary line.
check: all tests
	@BUILD=$(BUILD) tests/run.sh $(CHECK_LAYERS)

check-unit: all tests
	@BUILD=$(BUILD) tests/run.sh unit

check-full: all tests
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

format:
	clang-format -i $(LIB_SRCS) installer/main.c $(wildcard */*.h) $(UNIT_SRCS)

clean:
	rm -rf build build-san

PHONY_DEMO = demo
.PHONY: $(PHONY_DEMO) all tests check check-unit check-full deps fixtures fixture-path format clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
