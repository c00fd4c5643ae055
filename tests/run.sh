#!/bin/sh
# run.sh — every test of the project, in layers, with one summary line.
#
#   1. C unit tests (cmocka)                 build/unit/test_*
#   2. API suite on SQLite                   node --test tests/api/
#   3. API suite on PostgreSQL               (a throw-away cluster on loopback)
#   4. API suite under ASan/UBSan            build/tongxin-asan
#   5. browser test of the web UI            playwright-core + Debian chromium
#
# Ends with "N passed, N failed" and exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/tongxin-test.XXXXXX)
chmod 755 "$work"
pass=0
fail=0
failed_layers=""
PGDIR="$work/pg"
PGPORT=${TONGXIN_TEST_PGPORT:-$((20000 + $$ % 20000))}

cleanup() {
	[ -f "$PGDIR/PG_VERSION" ] && tests/pg.sh stop "$PGDIR" >/dev/null 2>&1
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Count a node --test run from its TAP summary lines.
node_layer() {
	name=$1
	shift
	log="$work/$name.log"
	echo "== $name"
	"$@" >"$log" 2>&1
	status=$?
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "   (no test ran)"; fi
	pass=$((pass + p))
	fail=$((fail + f))
	echo "   $p passed, $f failed"
	if [ "$f" -ne 0 ]; then
		failed_layers="$failed_layers $name"
		grep -E "^not ok|# Subtest|Error|error|expected|actual" "$log" | head -60
		echo "   (full log: tail of $name)"
		tail -40 "$log"
	fi
}

echo "== C unit tests"
for t in build/unit/test_*; do
	[ -x "$t" ] || continue
	log="$work/$(basename "$t").log"
	"$t" >"$log" 2>&1
	status=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p))
	fail=$((fail + f))
	echo "   $(basename "$t"): $p passed, $f failed"
	[ "$f" -ne 0 ] && { failed_layers="$failed_layers $(basename "$t")"; cat "$log"; }
done

export TONGXIN_BIN="$root/build/tongxin"
node_layer api-sqlite env TONGXIN_TEST_DB=sqlite node --test --test-concurrency=4 --test-reporter=tap tests/api/

echo "== starting PostgreSQL on 127.0.0.1:$PGPORT"
if PGURL=$(tests/pg.sh start "$PGDIR" "$PGPORT"); then
	export TONGXIN_TEST_PG_URL="$PGURL"
	for t in build/unit/test_store_pg; do
		[ -x "$t" ] || continue
		"$t" >"$work/pgunit.log" 2>&1
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$work/pgunit.log" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$work/pgunit.log" | tail -1)
		pass=$((pass + ${p:-0}))
		fail=$((fail + ${f:-0}))
		echo "   test_store_pg on PostgreSQL: ${p:-0} passed, ${f:-0} failed"
		[ "${f:-0}" -ne 0 ] && { failed_layers="$failed_layers pg-unit"; cat "$work/pgunit.log"; }
	done
	node_layer api-postgres env TONGXIN_TEST_DB=pg node --test --test-concurrency=4 --test-reporter=tap tests/api/
	node_layer multinode env TONGXIN_TEST_DB=pg node --test --test-reporter=tap tests/multinode/
else
	echo "   could not start PostgreSQL"
	fail=$((fail + 1))
	failed_layers="$failed_layers postgres"
fi

node_layer api-asan env TONGXIN_TEST_DB=sqlite TONGXIN_TEST_SKIP_SLOW=1 TONGXIN_BIN="$root/build/tongxin-asan" \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	node --test --test-concurrency=4 --test-reporter=tap tests/api/

echo "== browser test"
bdb="$work/browser.db"
port=$((PGPORT + 1))
if build/tongxin demo --db "$bdb" --password 'Browser@2026' >/dev/null 2>"$work/browser-demo.log"; then
	build/tongxin serve --db "$bdb" --port "$port" --access-log 0 >"$work/browser-serve.log" 2>&1 &
	SERVER_PID=$!
	for i in $(seq 1 50); do
		curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	node_layer browser env TONGXIN_URL="http://127.0.0.1:$port" TONGXIN_TEST_USER=staff \
		TONGXIN_TEST_PASSWORD='Browser@2026' TONGXIN_ARTIFACTS="$root/build/artifacts" \
		NODE_PATH="$root/web/node_modules" node --test --test-concurrency=4 --test-reporter=tap tests/browser/
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
else
	cat "$work/browser-demo.log"
	fail=$((fail + 1))
	failed_layers="$failed_layers browser"
fi

echo
[ -n "$failed_layers" ] && echo "failed layers:$failed_layers"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
