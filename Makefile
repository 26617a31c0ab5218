# atlwho: plain GNU make. `make`, `make static`, `make test [SAN=1] [VALGRIND=1]`,
# `make demo`, `make fuzz [FUZZ_SECONDS=N]`, `make bench`, `make install`, `make clean`.
# The user's CFLAGS/LDFLAGS are added after ours (musl's CFLAGS_AUTO habit).

VERSION := 0.1.0
MBEDTLS_VERSION := 3.6.7

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

SAN ?= 0
VALGRIND ?= 0
FUZZ_SECONDS ?= 60
ARCH ?= x86_64
CROSS_COMPILE ?=

MSRC := build/src/mbedtls-$(MBEDTLS_VERSION)
MCONF := -isystem $(MSRC)/include -Ivendor/mbedtls -DMBEDTLS_CONFIG_FILE='"atlwho_config.h"'

# Variant: where objects go and how they are built.
ifeq ($(STATIC),1)
  V ?= static-$(ARCH)
  CC := $(CROSS_COMPILE)musl-gcc
  OPT_AUTO := -Os
  PIE_C :=
  PIE_L := -static
else ifeq ($(SAN),1)
  V ?= san
  OPT_AUTO := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  PIE_C := -fPIE
  PIE_L := -pie -fsanitize=address,undefined
else
  V ?= host
  OPT_AUTO := -Os -g
  PIE_C := -fPIE
  PIE_L := -pie
endif
B := build/$(V)

WARN := -std=c11 -Wall -Wextra -Wpedantic -Werror
CPPFLAGS_AUTO := -D_DEFAULT_SOURCE -D_FORTIFY_SOURCE=2 -DATLWHO_VERSION='"$(VERSION)"' -Isrc $(MCONF)
CFLAGS_AUTO := $(WARN) $(OPT_AUTO) $(PIE_C) -fstack-protector-strong -ffunction-sections -fdata-sections
LDFLAGS_AUTO := $(PIE_L) -Wl,--gc-sections

# mbedTLS is built with our configuration, the same compiler, and no
# sanitizers (it is not our code; the variant's ABI flags still apply).
MBED_CFLAGS := -Os $(PIE_C) -ffunction-sections -fdata-sections -w $(MCONF) -I$(MSRC)/library
MBED_SRCS = $(wildcard $(MSRC)/library/*.c)
MBED_OBJS = $(patsubst $(MSRC)/library/%.c,$(B)/mbedtls/%.o,$(MBED_SRCS))
MLIB := $(B)/libmbed.a

SRCS := $(wildcard src/*.c)
LIB_OBJS := $(patsubst src/%.c,$(B)/obj/%.o,$(filter-out src/main.c,$(SRCS)))
MAIN_OBJ := $(B)/obj/main.o
HDRS := $(wildcard src/*.h)

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRCS))
E2E := $(wildcard tests/e2e/test_*.py)

.PHONY: all static demo test unit e2e fuzz bench clean install deps mbedtls-src size
.DELETE_ON_ERROR:

all: atlwho

atlwho: $(B)/atlwho
	cp $< $@
	@size $@ | tail -n 1 | awk '{ printf "atlwho (%s, not stripped): text %s data %s bss %s\n", "$(V)", $$1, $$2, $$3 }'

deps:
	@vendor/deps.sh build

# --- mbedTLS: fetched, verified, unpacked once; built per variant ---
$(MSRC)/include/mbedtls/ssl.h:
	@vendor/deps.sh build
	vendor/mbedtls.sh build/src

mbedtls-src: $(MSRC)/include/mbedtls/ssl.h

$(B)/mbedtls/%.o: $(MSRC)/library/%.c vendor/mbedtls/atlwho_config.h | $(MSRC)/include/mbedtls/ssl.h
	@mkdir -p $(@D)
	@$(CC) $(MBED_CFLAGS) $(CFLAGS) -c $< -o $@

# The object list depends on the unpacked tree, so build it in a sub-make.
$(MLIB): vendor/mbedtls/atlwho_config.h | $(MSRC)/include/mbedtls/ssl.h
	@echo "building mbedTLS $(MBEDTLS_VERSION) ($(V), $(CC))"
	@$(MAKE) --no-print-directory $(if $(filter 1,$(STATIC)),STATIC=1 ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE)) SAN=$(SAN) V=$(V) mbedtls-objs
	@rm -f $@
	@$(CROSS_COMPILE)ar rcs $@ $(MBED_OBJS)

.PHONY: mbedtls-objs
mbedtls-objs: $(MBED_OBJS)

# --- our code ---
$(B)/obj/%.o: src/%.c $(HDRS) vendor/mbedtls/atlwho_config.h | $(MSRC)/include/mbedtls/ssl.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_AUTO) $(CPPFLAGS) $(CFLAGS_AUTO) $(CFLAGS) -c $< -o $@

$(B)/atlwho: $(MAIN_OBJ) $(LIB_OBJS) $(MLIB)
	$(CC) $(CFLAGS_AUTO) $(CFLAGS) $(LDFLAGS_AUTO) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB_OBJS) $(MLIB)

# --- static musl build, stripped ---
static:
	@vendor/deps.sh build static
	@$(MAKE) --no-print-directory STATIC=1 ARCH=$(ARCH) build/static-$(ARCH)/atlwho
	cp build/static-$(ARCH)/atlwho atlwho-static-$(ARCH)
	$(CROSS_COMPILE)strip atlwho-static-$(ARCH)
	@size atlwho-static-$(ARCH)
	@printf 'atlwho-static-%s: %s bytes stripped\n' $(ARCH) $$(wc -c < atlwho-static-$(ARCH))
	@file atlwho-static-$(ARCH)

# --- tests ---
$(B)/tests/%: tests/%.c tests/t.h $(LIB_OBJS) $(MLIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_AUTO) $(CPPFLAGS) -Itests $(CFLAGS_AUTO) $(CFLAGS) $(LDFLAGS_AUTO) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(MLIB)

unit: $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do \
		echo "== $$t"; \
		if [ "$(VALGRIND)" = 1 ]; then \
			valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect $$t || fail=1; \
		else $$t || fail=1; fi; \
	done; exit $$fail

e2e: $(B)/atlwho
	@fail=0; for t in $(E2E); do \
		echo "== $$t"; \
		ATLWHO=$(CURDIR)/$(B)/atlwho ATLWHO_VALGRIND=$(VALGRIND) python3 $$t || fail=1; \
	done; exit $$fail

test:
	@vendor/deps.sh build test
	@$(MAKE) --no-print-directory SAN=$(SAN) VALGRIND=$(VALGRIND) unit e2e

# --- demo: a real TLS round trip against a local fake Jira and Confluence ---
demo:
	@vendor/deps.sh build test
	@$(MAKE) --no-print-directory atlwho
	ATLWHO=$(CURDIR)/atlwho python3 tests/e2e/demo.py

# --- fuzzing (clang libFuzzer), each target for FUZZ_SECONDS ---
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(MCONF)

build/fuzz/%: tests/fuzz/%.c $(SRCS) $(HDRS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(filter-out src/main.c,$(SRCS)) build/host/libmbed.a

fuzz:
	@vendor/deps.sh build fuzz
	@$(MAKE) --no-print-directory SAN=0 build/host/libmbed.a
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		n=$${f##*/fuzz_}; mkdir -p build/fuzz/corpus-$$n; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus-$$n tests/fuzz/corpus/$$n 2>build/fuzz/$$n.log || { tail -n 40 build/fuzz/$$n.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units|stat::peak_rss|cov:' build/fuzz/$$n.log | tail -n 3; \
	done

# --- benchmarks (not tests) ---
bench:
	@vendor/deps.sh build static test bench
	tests/bench/run.sh

install: atlwho
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 atlwho $(DESTDIR)$(BINDIR)/atlwho
	install -m 644 src/atlwho.1 $(DESTDIR)$(MANDIR)/man1/atlwho.1

clean:
	rm -rf build atlwho atlwho-static-*
