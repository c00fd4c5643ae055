# Tongxin — build, run and test.
#
#   make run     install what is missing, build, create the demo database,
#                serve on http://127.0.0.1:8080
#   make check   install what is missing, build, run every test
#
# Other targets: all (the binary), web (the UI), asan (sanitizer build),
# unit (C unit tests), format, format-check, clean.

CC      ?= cc
PKGS    := libmicrohttpd sqlite3 libpq jansson libsodium xlsxwriter libzip expat zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lmicrohttpd -lsqlite3 -lpq -ljansson -lsodium -lxlsxwriter -lz -lzip -lexpat)
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(PKG_CFLAGS) -fstack-protector-strong -D_FORTIFY_SOURCE=2
LDLIBS  := $(PKG_LIBS) -lpthread -lm
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRCS := $(wildcard src/*/*.c) src/main.c
OBJS := $(SRCS:src/%.c=build/obj/%.o) build/obj/assets_gen.o
ASAN_OBJS := $(SRCS:src/%.c=build/asan/%.o) build/asan/assets_gen.o
WEB_SRCS := $(shell find web/src web/index.html web/vite.config.* web/package.json -type f 2>/dev/null)

DEMO_DB ?= var/tongxin.db

.PHONY: all run check deps deps-check web asan unit test format format-check clean bench

all: build/tongxin

deps:
	@scripts/deps.sh build

deps-check:
	@scripts/deps.sh check

build/tongxin: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDLIBS)

build/tongxin-asan: $(ASAN_OBJS)
	$(CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJS) $(LDLIBS)

build/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/asan/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(CFLAGS)) $(ASAN_FLAGS) -c -o $@ $<

build/obj/assets_gen.o: build/assets_gen.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out $(WARN),$(CFLAGS)) -c -o $@ $<

build/asan/assets_gen.o: build/assets_gen.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Isrc -O0 -c -o $@ $<

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

build/assets_gen.c: build/embed build/web.stamp
	build/embed web/dist $@

# The web UI, built with Vite into web/dist when its npm packages are
# installed (scripts/deps.sh); without them a placeholder page is embedded.
build/web.stamp: $(WEB_SRCS) web/package-lock.json
	@mkdir -p build
	@if command -v npm >/dev/null 2>&1 && [ -d web/node_modules ]; then \
		cd web && npm run build --silent; \
	else \
		echo "web: npm packages missing (run scripts/deps.sh); embedding a placeholder page"; \
		rm -rf web/dist; \
	fi
	@touch $@

web: deps build/web.stamp

asan: build/tongxin-asan

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(dir $(DEMO_DB))
	@if [ ! -f $(DEMO_DB) ]; then build/tongxin demo --db $(DEMO_DB) >/dev/null; fi
	@echo "Demo sign-ins (also in $(DEMO_DB).logins):"; cat $(DEMO_DB).logins
	@echo "Serving http://127.0.0.1:8080 — stop with Ctrl-C"
	build/tongxin serve --db $(DEMO_DB) --listen 127.0.0.1 --port 8080

check: deps-check
	@$(MAKE) --no-print-directory all asan build/unit-tests
	tests/run.sh

# C unit tests (cmocka): one binary per tests/unit/test_*.c.
UNIT_SRCS := $(filter-out src/main.c src/http/% src/cli/%,$(SRCS))
UNIT_TESTS := $(patsubst tests/unit/%.c,build/unit/%,$(wildcard tests/unit/test_*.c))

UNIT_OBJS := $(UNIT_SRCS:src/%.c=build/asan/%.o)

build/unit-tests: $(UNIT_TESTS)
	@touch $@

# Unit tests link the sanitizer build's objects (everything but main, http, cli).
build/libtongxin-asan.a: $(UNIT_OBJS)
	@rm -f $@
	ar rcs $@ $(UNIT_OBJS)

build/unit/%: tests/unit/%.c build/libtongxin-asan.a $(wildcard src/*/*.h)
	@mkdir -p build/unit
	$(CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(CFLAGS)) $(ASAN_FLAGS) -o $@ $< build/libtongxin-asan.a $(LDLIBS) -lcmocka

unit: build/unit-tests
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

bench:
	bench/run.sh

format:
	clang-format -i $(SRCS) $(wildcard src/*/*.h) tools/*.c tests/unit/*.c

format-check:
	clang-format --dry-run --Werror $(SRCS) $(wildcard src/*/*.h) tools/*.c

clean:
	rm -rf build web/dist
