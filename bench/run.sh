#!/usr/bin/env bash
# bench/run.sh — the benchmarks behind `make bench` (docs/benchmarks.md).
#
# Builds tongxin with the Makefile's optimisation (-O2), makes a dataset
# through the product's own storage layer, starts `tongxin serve` and
# measures it on loopback with wrk, each figure beside a reference measured
# in the same run (nginx serving a static file of the same size, the
# sqlite3 shell, bare SQLite). Writes raw outputs to bench/out/run-*/ and
# the results table to docs/benchmarks.md, followed by bench/NOTES.md.
#
#   make bench                              county size (the default)
#   BENCH_SIZE=province make bench          province size (5,000,000 people)
#   bench/run.sh --doc                      only put docs/benchmarks.md together
#                                           again (after editing bench/NOTES.md)
#
# Settings (environment):
#   BENCH_SIZE            county | province                        (county)
#   BENCH_DURATION        seconds of each wrk run                  (10)
#   BENCH_STATS_DURATION  seconds of each stats run                (5)
#   BENCH_SLICE_PEOPLE    people of the province slice measured in a
#                         county run (0 skips it)                  (200000)
#   BENCH_PEOPLE          people of the province size              (5000000)
#   BENCH_IMPORT_ROWS     rows of the import file                  (100000)
#   BENCH_DOC             where the table goes          (docs/benchmarks.md)
#
# The province database is generated once into bench/out/ and reused by
# later province runs (each run works on a copy). Everything listens on
# 127.0.0.1 only; every wrk run has a fixed duration and every wait a bound.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
SIZE=${BENCH_SIZE:-county}
DUR=${BENCH_DURATION:-10}
SDUR=${BENCH_STATS_DURATION:-5}
SLICE=${BENCH_SLICE_PEOPLE:-200000}
PEOPLE=${BENCH_PEOPLE:-5000000}
IMPORT_ROWS=${BENCH_IMPORT_ROWS:-100000}
DOC=${BENCH_DOC:-$here/docs/benchmarks.md}
# Benchmark data only, on loopback: not a secret.
PW='Bench-2024-pass'
case $SIZE in county | province) ;; *) echo "bench: BENCH_SIZE must be county or province" >&2; exit 2 ;; esac

# docs/benchmarks.md: both sizes' latest tables, then the notes.
compose_doc() {
	{
		echo "# Benchmarks"
		echo
		echo "The tables are written by \`bench/run.sh\` (\`make bench\` for the county size,"
		echo "\`BENCH_SIZE=province make bench\` for the province) into \`bench/results-county.md\`"
		echo "and \`bench/results-province.md\`, which each run of that size rewrites; the notes"
		echo "after them are \`bench/NOTES.md\`, written by hand (\`bench/run.sh --doc\` puts this"
		echo "page together again after editing them). Figures are measured on this project's"
		echo "2-core machine, each beside a reference measured in the same run."
		echo
		for f in bench/results-county.md bench/results-province.md; do
			if [ -f "$f" ]; then cat "$f"; fi
		done
		if [ -f bench/NOTES.md ]; then cat bench/NOTES.md; fi
	} >"$DOC"
}
if [ "${1:-}" = --doc ]; then
	compose_doc
	echo "bench: wrote $DOC"
	exit 0
fi

out=$here/bench/out
run=$out/run-$(date -u +%Y%m%dT%H%M%SZ)-$SIZE
mkdir -p "$run" "$out/bin"
T0=$(date +%s.%N)
declare -A R      # results, by key
PIDS=()           # processes this script started (stopped on exit)

say() { printf '[bench %5.0fs] %s\n' "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')" "$*" | tee -a "$run/log.txt" >&2; }
die() { say "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0 || a == "" || a == "—") print "—"; else printf "%.2f", a / b }'; }
fmt() { awk -v a="$1" 'BEGIN { if (a == "" || a == "—") print "—"; else if (a + 0 >= 100) printf "%.0f", a; else if (a + 0 >= 10) printf "%.1f", a; else printf "%.2f", a }'; }

cleanup() {
	local p
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] && wait "$p" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
R[load_start]=$(loadavg)
say "size $SIZE; load average at start: ${R[load_start]}"

# ---- tools and build ----
bench/deps.sh
command -v python3 >/dev/null 2>&1 || { apt-get install -y -qq --no-install-recommends python3 >/dev/null; }
say "building tongxin (make's default optimisation: -O2)"
env -u CFLAGS make -s build/tongxin >"$run/build.txt" 2>&1 || { cat "$run/build.txt" >&2; die "the build failed"; }
grep -q 'CFLAGS  ?= -O2' Makefile || say "note: the Makefile's default CFLAGS no longer say -O2"
# A copy, so that a rebuild by someone else during the run changes nothing.
cp build/tongxin "$run/tongxin"
TX=$run/tongxin
for h in mkrows sqltime startms; do
	case $h in
	mkrows) libs=$(pkg-config --cflags --libs xlsxwriter) ;;
	sqltime) libs=-lsqlite3 ;;
	*) libs= ;;
	esac
	if [ ! -x "$out/bin/$h" ] || [ "bench/$h.c" -nt "$out/bin/$h" ]; then
		cc -O2 -Wall -Wextra -o "$out/bin/$h" "bench/$h.c" $libs || die "cannot build bench/$h.c"
	fi
done
for s in auth detail write case mix; do cat "bench/$s.lua" bench/report.lua >"$run/$s.lua"; done

free_port() {
	local p
	for p in $(seq "$1" $(($1 + 200))); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port from $1"
}
PORT=$(free_port 18480)
NGPORT=$(free_port $((PORT + 1)))
[ "$NGPORT" = "$PORT" ] && NGPORT=$(free_port $((PORT + 2)))
BASE=http://127.0.0.1:$PORT

# ---- helpers ----
wait_http() { # url, max seconds
	local i
	for i in $(seq 1 $(($2 * 20))); do
		curl -fs -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
json_get() { python3 -c 'import sys, json; d = json.load(sys.stdin); print(eval(sys.argv[1], {}, {"d": d}))' "$1"; }
signin() { # username → token
	curl -fs -X POST -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$PW\"}" \
		"$BASE/api/v1/session" | json_get 'd["token"]'
}
api() { # token path
	curl -fs -H "Authorization: Bearer $1" "$BASE$2"
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
tree_rss_kb() { # a process and its children (nginx's master and workers)
	local t=0 p
	for p in "$1" $(pgrep -P "$1" || true); do t=$((t + $(rss_kb "$p"))); done
	echo $t
}
# Sample the peak RSS of pid (and children with "tree") into file until file.stop exists (bounded).
sampler() {
	local pid=$1 file=$2 mode=${3:-} max=0 v i
	for i in $(seq 1 6000); do
		[ -f "$file.stop" ] && break
		if [ "$mode" = tree ]; then v=$(tree_rss_kb "$pid"); else v=$(rss_kb "$pid"); fi
		[ "${v:-0}" -gt "$max" ] && max=$v
		echo "$max" >"$file"
		echo "$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') $v" >>"$file.series"
		sleep 0.2
	done
}
start_sampler() { rm -f "$2" "$2.stop"; sampler "$@" & SAMPLER=$!; }
stop_sampler() { touch "$1.stop"; wait "$SAMPLER" 2>/dev/null || true; cat "$1"; }

# wrk run: key, script, url, connections, seconds. Sets R[key_rps|p50|p99|bad].
wrkrun() {
	local key=$1 script=$2 url=$3 conns=$4 d=$5 line
	wrk -t2 -c"$conns" -d"${d}s" --timeout 10s --latency -s "$run/$script.lua" "$url" >"$run/wrk-$key.txt" 2>&1 ||
		die "wrk $key failed (see $run/wrk-$key.txt)"
	line=$(grep '^WRK ' "$run/wrk-$key.txt" | tail -1)
	[ -n "$line" ] || die "wrk $key printed no result"
	read -r _ n rps p50 p99 non2xx errs <<<"$line"
	R[${key}_rps]=$rps
	R[${key}_p50]=$p50
	R[${key}_p99]=$p99
	R[${key}_bad]=$((non2xx + errs))
	R[${key}_n]=$n
	say "  $key: $rps req/s, p50 $p50 ms, p99 $p99 ms ($n requests, $((non2xx + errs)) not 2xx or failed)"
}

start_serve() { # db, log → sets SERVE_PID
	"$TX" serve --db "$1" --listen 127.0.0.1 --port "$PORT" >>"$2" 2>&1 &
	SERVE_PID=$!
	PIDS+=("$SERVE_PID")
	wait_http "$BASE/healthz" 30 || die "tongxin serve did not answer /healthz (see $2)"
}
stop_serve() {
	kill "$SERVE_PID" 2>/dev/null || true
	wait "$SERVE_PID" 2>/dev/null || true
}

# ---- the dataset ----
if [ "$SIZE" = county ]; then
	DB=$run/county.db
	say "dataset: tongxin demo --people 30000 --cases 5000, then tongxin gen --size county (organisations to 2,000)"
	t=$(now)
	"$TX" demo --db "$DB" --people 30000 --cases 5000 --password "$PW" >"$run/demo.txt" 2>&1 || die "demo failed"
	R[gen_demo_s]=$(secs "$t" "$(now)")
	t=$(now)
	"$TX" gen --size county --db "$DB" --orgs 2000 >"$run/gen-county.txt" 2>&1 || die "gen county failed"
	R[gen_orgs_s]=$(secs "$t" "$(now)")
	R[dataset]=$(grep -o 'demo city.*grid posts' "$run/demo.txt" | head -1)
	R[gen_orgs_added]=$(awk '/^organisations_added/ {print $2}' "$run/gen-county.txt")
	say "  demo ${R[gen_demo_s]} s; organisations topped up (+${R[gen_orgs_added]}) in ${R[gen_orgs_s]} s"
else
	PDB=$out/province-$PEOPLE.db
	if [ ! -f "$PDB.done" ]; then
		rm -rf "$PDB" "$PDB-wal" "$PDB-shm" "$PDB.keys" "$PDB.logins"
		say "dataset: tongxin gen --size province --people $PEOPLE (long: see docs/benchmarks.md)"
		t=$(now)
		"$TX" gen --size province --db "$PDB" --people "$PEOPLE" --password "$PW" >"$out/province-$PEOPLE.gen.txt" 2>&1 ||
			die "gen province failed (see $out/province-$PEOPLE.gen.txt)"
		echo "$(secs "$t" "$(now)")" >"$PDB.done"
	fi
	R[gen_province_s]=$(cat "$PDB.done")
	R[dataset]=$(grep -o 'gen province.*in all' "$out/province-$PEOPLE.gen.txt" | head -1)
	say "  province generated in ${R[gen_province_s]} s; working on a copy"
	DB=$run/province.db
	cp "$PDB" "$DB"
	cp -r "$PDB.keys" "$DB.keys"
	# A file kept from an older binary: bring the copy to this binary's schema
	# (migration 7 counts the rollups of every person: ~2 min for 5,000,000).
	t=$(now)
	"$TX" migrate --db "$DB" >"$run/migrate.txt" 2>&1 || die "migrate failed (see $run/migrate.txt)"
	say "  schema brought up to date in $(secs "$t" "$(now)") s"
fi
R[db_mb]=$(du -m "$DB" | cut -f1)

# ---- start time (median of 5), tongxin and nginx ----
median5() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
say "start time: exec to the first 200 of /healthz, 5 times"
for i in 1 2 3 4 5; do
	"$out/bin/startms" "$PORT" /healthz "$run/start.log" -- "$TX" serve --db "$DB" --listen 127.0.0.1 --port "$PORT"
done >"$run/start-tongxin.txt" || die "startms failed (see $run/start.log)"
R[start_ms]=$(median5 <"$run/start-tongxin.txt")

# nginx: our own copy on loopback, config and files in the run directory.
ng=$run/nginx
mkdir -p "$ng/www" "$ng/tmp"
cat >"$ng/nginx.conf" <<EOF
# nginx as the HTTP ceiling: static files on loopback, no logs.
user root;
worker_processes 2;
daemon off;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 60s;
    client_body_temp_path $ng/tmp/body;
    proxy_temp_path $ng/tmp/proxy;
    fastcgi_temp_path $ng/tmp/fastcgi;
    uwsgi_temp_path $ng/tmp/uwsgi;
    scgi_temp_path $ng/tmp/scgi;
    types { application/json json; }
    default_type application/json;
    server {
        listen 127.0.0.1:$NGPORT;
        root $ng/www;
        location = /healthz { return 200 '{"status":"ok"}'; }
    }
}
EOF
for i in 1 2 3 4 5; do
	"$out/bin/startms" "$NGPORT" /healthz "$ng/start.log" -- nginx -c "$ng/nginx.conf" -p "$ng"
done >"$run/start-nginx.txt" || die "nginx did not start (see $ng/error.log)"
R[start_nginx_ms]=$(median5 <"$run/start-nginx.txt")
say "  tongxin ${R[start_ms]} ms, nginx ${R[start_nginx_ms]} ms (medians)"

# ---- serve and sign in ----
start_serve "$DB" "$run/serve.log"
TXPID=$SERVE_PID
R[rss_idle_kb]=$(rss_kb "$TXPID")
TOWN_TOKEN=$(signin town1)
STAFF_TOKEN=$(signin staff)
[ -n "$TOWN_TOKEN" ] && [ -n "$STAFF_TOKEN" ] || die "cannot sign in"
TOWN=$(api "$TOWN_TOKEN" /api/v1/me | json_get 'd["unit_id"]')
ROOT=$(api "$STAFF_TOKEN" /api/v1/me | json_get 'd["unit_id"]')
LIST="/api/v1/person?unit=$TOWN&limit=20"
api "$TOWN_TOKEN" "$LIST" >"$ng/www/list.json"
IDS=$(json_get '",".join(str(i["id"]) for i in d["items"])' <"$ng/www/list.json")
[ -n "$IDS" ] || die "the town's list is empty"
api "$TOWN_TOKEN" "/api/v1/person/${IDS%%,*}" >"$ng/www/detail.json"
R[list_bytes]=$(stat -c %s "$ng/www/list.json")
R[detail_bytes]=$(stat -c %s "$ng/www/detail.json")
# Counts straight from the file (a count through the API of a large subtree takes long).
count_in() { # db, path
	sqlite3 "$1" "SELECT COUNT(*) FROM person WHERE deleted = 0 AND unit_path >= '$2' AND unit_path < '${2%/}0'"
}
R[town_people]=$(count_in "$DB" "$(api "$TOWN_TOKEN" "/api/v1/units/$TOWN" | json_get 'd["path"]')")
R[all_people]=$(count_in "$DB" /)
say "town $TOWN holds ${R[town_people]} of ${R[all_people]} people; list answer ${R[list_bytes]} bytes, detail ${R[detail_bytes]} bytes"

nginx -c "$ng/nginx.conf" -p "$ng" >>"$ng/start.log" 2>&1 &
NGPID=$!
PIDS+=("$NGPID")
wait_http "http://127.0.0.1:$NGPORT/list.json" 10 || die "nginx does not serve list.json"

# Writes land in the root unit (signed in as staff): outside the measured town.
export TX_TOKEN=$TOWN_TOKEN TX_IDS=$IDS TX_UNIT=$TOWN TX_WTOKEN=$STAFF_TOKEN TX_WUNIT=$ROOT
# The sign-ins above ran Argon2id: VmHWM now holds its memory peak.
R[hwm_signin_kb]=$(hwm_kb "$TXPID")
start_sampler "$TXPID" "$run/rss-load"
LOAD_SAMPLER=$SAMPLER

# ---- 1, 2: list and detail, beside nginx ----
say "1. list of people in one town's scope (20 a page), and nginx serving the same bytes"
TOWN_PATH=$(api "$TOWN_TOKEN" "/api/v1/units/$TOWN" | json_get 'd["path"]')
COLS="t.id, t.unit_id, t.unit_path, t.version, t.created_at, t.updated_at, u.name$(sqlite3 "$DB" "SELECT ', t.' || name FROM pragma_table_info('person') WHERE name NOT IN ('id', 'unit_id', 'unit_path', 'version', 'deleted', 'created_at', 'created_by', 'updated_at', 'updated_by') AND name NOT LIKE '%_bidx'" | tr -d '\n')"
PAGE="SELECT $COLS FROM person t JOIN unit u ON u.id = t.unit_id WHERE t.deleted = 0 AND t.unit_path >= ? AND t.unit_path < ? AND t.id > 0"
read -r "R[sql_list_id]" _ _ _ < <("$out/bin/sqltime" "$DB" 50 "$PAGE ORDER BY t.id LIMIT 21" "$TOWN_PATH" "${TOWN_PATH%/}0")
read -r "R[sql_list_path]" _ _ _ < <("$out/bin/sqltime" "$DB" 50 "$PAGE ORDER BY t.unit_path, t.id LIMIT 21" "$TOWN_PATH" "${TOWN_PATH%/}0")
say "  bare SQL of one page: ORDER BY id (before) ${R[sql_list_id]} ms; ORDER BY unit_path, id (tongxin now) ${R[sql_list_path]} ms"
for c in 8 64; do
	[ $c = 64 ] && start_sampler "$NGPID" "$run/rss-nginx" tree
	wrkrun ng_list_$c auth "http://127.0.0.1:$NGPORT/list.json" $c "$DUR"
	[ $c = 64 ] && R[rss_nginx_kb]=$(stop_sampler "$run/rss-nginx")
	wrkrun list_$c auth "$BASE$LIST" $c "$DUR"
done
R[rss_list_kb]=$(cat "$run/rss-load")
say "2. one person's detail, and nginx serving the same bytes"
for c in 8 64; do
	wrkrun ng_detail_$c auth "http://127.0.0.1:$NGPORT/detail.json" $c "$DUR"
	wrkrun detail_$c detail "$BASE/api/v1/person/0" $c "$DUR"
done

# ---- 3: stats, beside the bare SQL scan and a counts table ----
# Levels: name → unit id (and the token that may see it: staff sees all).
declare -A LEVEL_UNIT
LEVELS=()
add_level() { LEVELS+=("$1"); LEVEL_UNIT[$1]=$2; }
if [ "$SIZE" = county ]; then
	add_level town "$TOWN"
	add_level county "$ROOT"
else
	add_level town "$TOWN"
	add_level county "$(api "$(signin county1)" /api/v1/me | json_get 'd["unit_id"]')"
	add_level city "$(api "$(signin city1)" /api/v1/me | json_get 'd["unit_id"]')"
	add_level province "$ROOT"
fi

CATS="" CATS_AS="" CATS_SUM=""
for k in 01 02 03 04 05 06 07 08 09 10 11 12; do
	CATS="$CATS, SUM(t.categories LIKE '%,$k,%')"
	CATS_AS="$CATS_AS, SUM(t.categories LIKE '%,$k,%') AS c$k"
	CATS_SUM="$CATS_SUM, SUM(s.c$k) AS c$k"
done
# A counts table, as the notes propose, built from the data in a scratch
# file: per unit (self), and per unit with its whole subtree (tot).
build_rollup() { # app db, scratch db
	rm -f "$2"
	sqlite3 "$2" >"$run/rollup-build.txt" 2>&1 <<EOF
ATTACH '$1' AS a;
CREATE TABLE self AS SELECT t.unit_path, COUNT(*) AS n$CATS_AS, SUM(t.is_representative) AS rep
  FROM a.person t WHERE t.deleted = 0 GROUP BY t.unit_path;
CREATE INDEX self_path ON self(unit_path);
CREATE TABLE tot AS SELECT u.path AS unit_path, SUM(s.n) AS n$CATS_SUM, SUM(s.rep) AS rep FROM a.unit u
  JOIN self s ON s.unit_path >= u.path AND s.unit_path < substr(u.path, 1, length(u.path) - 1) || '0' GROUP BY u.path;
CREATE UNIQUE INDEX tot_path ON tot(unit_path);
EOF
}
# A stats request: with wrk at 8 connections, unless one request alone takes
# over a second; then three requests one after the other (curl), whose
# median stands as p50 and p99 and whose inverse as the rate.
statsrun() { # key, url
	local key=$1 url=$2 t ts
	t=$(curl -fs -m 600 -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TX_TOKEN" "$url")
	if awk -v t="$t" 'BEGIN {exit !(t < 1)}'; then
		wrkrun "$key" auth "$url" 8 "$SDUR"
		return
	fi
	ts=$(for i in 1 2 3; do curl -fs -m 600 -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TX_TOKEN" "$url"; done | sort -n | sed -n 2p)
	R[${key}_p50]=$(awk -v t="$ts" 'BEGIN {printf "%.1f", t * 1000}')
	R[${key}_p99]=${R[${key}_p50]}
	R[${key}_rps]=$(awk -v t="$ts" 'BEGIN {printf "%.3f", 1 / t}')
	R[${key}_bad]=0
	R[${key}_serial]=1
	say "  $key: ${R[${key}_p50]} ms a request, one at a time (too slow for wrk)"
}
stats_level() { # prefix, level, db, scratch
	local pre=$1 lv=$2 db=$3 scratch=$4 unit=${LEVEL_UNIT[$2]} path hi
	path=$(api "$STAFF_TOKEN" "/api/v1/units/$unit" | json_get 'd["path"]')
	hi=${path%/}0
	statsrun ${pre}stats_${lv}_cat "$BASE/api/v1/person/count?unit=$unit&group=categories"
	statsrun ${pre}stats_${lv}_rep "$BASE/api/v1/person/count?unit=$unit&group=is_representative"
	read -r "R[${pre}sql_${lv}_cat]" _ _ _ < <("$out/bin/sqltime" -b 20000 "$db" 20 \
		"SELECT COUNT(*)$CATS FROM person t WHERE t.deleted = 0 AND t.unit_path >= ? AND t.unit_path < ?" "$path" "$hi")
	read -r "R[${pre}sqlmm_${lv}_cat]" _ _ _ < <("$out/bin/sqltime" -b 20000 -p 'mmap_size=1073741824' "$db" 20 \
		"SELECT COUNT(*)$CATS FROM person t WHERE t.deleted = 0 AND t.unit_path >= ? AND t.unit_path < ?" "$path" "$hi")
	read -r "R[${pre}self_${lv}]" _ _ _ < <("$out/bin/sqltime" -b 5000 "$scratch" 200 \
		"SELECT SUM(n)$(echo "$CATS_SUM" | sed 's/ AS c[0-9]*//g'), SUM(rep) FROM self s WHERE unit_path >= ? AND unit_path < ?" "$path" "$hi")
	read -r "R[${pre}tot_${lv}]" _ _ _ < <("$out/bin/sqltime" "$scratch" 2000 "SELECT * FROM tot WHERE unit_path = ?" "$path")
	R[${pre}people_${lv}]=$(count_in "$db" "$path")
	say "  $lv: bare SQL scan ${R[${pre}sql_${lv}_cat]} ms (with mmap ${R[${pre}sqlmm_${lv}_cat]} ms); counts table: sum over subtree ${R[${pre}self_${lv}]} ms, one row ${R[${pre}tot_${lv}]} ms"
}
say "3. stats (counts by category and by flag for a subtree), 8 connections, ${SDUR} s each"
export TX_TOKEN=$STAFF_TOKEN
build_rollup "$DB" "$run/rollup.db"
for lv in "${LEVELS[@]}"; do stats_level "" "$lv" "$DB" "$run/rollup.db"; done
export TX_TOKEN=$TOWN_TOKEN

# ---- 4: durable writes, beside SQLite's own durable commits ----
say "4. durable case submissions (POST /api/v1/cases, a suggestion each), and record creation (POST /api/v1/person)"
# Group commit's counters: how many requests' work each durable commit carried.
group_counts() { curl -fs "$BASE/metrics" | awk '/^tongxin_sqlite_group_(work|commits)_total/ {printf "%s ", $2} END {print ""}'; }
cases_before=$(sqlite3 "$DB" "SELECT COUNT(*) FROM cases")
read -r gw0 gc0 < <(group_counts)
for c in 8 64; do wrkrun case_$c case "$BASE/api/v1/cases" $c "$DUR"; done
R[case_rows]=$(($(sqlite3 "$DB" "SELECT COUNT(*) FROM cases") - cases_before))
read -r gw1 gc1 < <(group_counts)
before=$(count_in "$DB" /)
for c in 8 64; do wrkrun write_$c write "$BASE/api/v1/person" $c "$DUR"; done
R[write_rows]=$(($(count_in "$DB" /) - before))
read -r gw2 gc2 < <(group_counts)
R[case_per_commit]=$(awk -v w=$((gw1 - gw0)) -v c=$((gc1 - gc0)) 'BEGIN {printf "%.1f", c ? w / c : 0}')
R[write_per_commit]=$(awk -v w=$((gw2 - gw1)) -v c=$((gc2 - gc1)) 'BEGIN {printf "%.1f", c ? w / c : 0}')
sqlite3 "$run/commits.db" "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT);" >/dev/null
read -r _ _ "R[sqlite_commits]" _ < <("$out/bin/sqltime" -p 'journal_mode=WAL;synchronous=FULL' "$run/commits.db" 2000 \
	"INSERT INTO t (a, b) VALUES (?, ?)" "#" "x")
say "  ${R[case_rows]} cases and ${R[write_rows]} people created (${R[case_per_commit]} and ${R[write_per_commit]} requests a commit); bare SQLite durable commits (WAL, synchronous=FULL): ${R[sqlite_commits]}/s"

# ---- 5: a 90/10 read/write mix ----
say "5. 90% list reads, 10% writes, 64 connections"
wrkrun mix_64 mix "$BASE$LIST" 64 "$DUR"
SAMPLER=$LOAD_SAMPLER
R[rss_load_kb]=$(stop_sampler "$run/rss-load")
R[rss_after_load_kb]=$(rss_kb "$TXPID")
R[hwm_load_kb]=$(hwm_kb "$TXPID")

# ---- 6: import of an .xlsx through the real import path ----
say "6. import of $IMPORT_ROWS rows (.xlsx) beside sqlite3 .import of the same rows as CSV"
curl -fs -H "Authorization: Bearer $STAFF_TOKEN" -o "$run/template.xlsx" "$BASE/api/v1/person/template"
python3 - "$run/template.xlsx" >"$run/headers.txt" <<'EOF'
import html, re, sys, zipfile
sheet = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
row = re.search(r'<row r="1".*?</row>', sheet).group(0)
print("\n".join(html.unescape(t) for t in re.findall(r"<t[^>]*>(.*?)</t>", row)))
EOF
sqlite3 "$DB" "SELECT code FROM unit WHERE kind IN ('village', 'community') AND code IS NOT NULL ORDER BY id" >"$run/units.txt"
t=$(now)
"$out/bin/mkrows" "$run/headers.txt" "$run/units.txt" "$IMPORT_ROWS" "$run/rows.xlsx" "$run/rows.csv" || die "mkrows failed"
R[mkrows_s]=$(secs "$t" "$(now)")
R[xlsx_mb]=$(du -m "$run/rows.xlsx" | cut -f1)
poll_job() { # job id, status to wait out; prints the final JSON (bounded: 30 min)
	local i s
	for i in $(seq 1 36000); do
		s=$(api "$STAFF_TOKEN" "/api/v1/imports/$1")
		case $s in *"\"status\":\"$2\""*) sleep 0.05 ;; *) echo "$s"; return 0 ;; esac
	done
	echo "$s"
}
t=$(now)
job=$(curl -fs -X POST -H "Authorization: Bearer $STAFF_TOKEN" \
	-H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
	--data-binary @"$run/rows.xlsx" "$BASE/api/v1/person/import?mode=skip" | json_get 'd["id"]')
t_up=$(now)
poll_job "$job" validating >"$run/import-dry.json"
t_ready=$(now)
grep -q '"status":"ready"' "$run/import-dry.json" || die "the import's dry run did not end ready (see $run/import-dry.json)"
curl -fs -X POST -H "Authorization: Bearer $STAFF_TOKEN" "$BASE/api/v1/imports/$job/commit" >/dev/null
poll_job "$job" committing >"$run/import-done.json"
t_done=$(now)
grep -q '"status":"done"' "$run/import-done.json" || die "the import's commit did not end done (see $run/import-done.json)"
R[import_created]=$(json_get 'd["result"].get("created", 0)' <"$run/import-done.json")
R[import_upload_s]=$(secs "$t" "$t_up")
R[import_dry_s]=$(secs "$t" "$t_ready")
R[import_commit_s]=$(secs "$t_ready" "$t_done")
R[import_total_s]=$(secs "$t" "$t_done")
R[import_rps]=$(awk -v n="$IMPORT_ROWS" -v s="${R[import_total_s]}" 'BEGIN {printf "%.0f", n / s}')
R[hwm_import_kb]=$(hwm_kb "$TXPID")
rm -f "$run/bare.db"
t=$(now)
sqlite3 "$run/bare.db" ".mode csv" ".import $run/rows.csv t" || die "sqlite3 .import failed"
R[bare_import_s]=$(secs "$t" "$(now)")
R[bare_import_rps]=$(awk -v n="$IMPORT_ROWS" -v s="${R[bare_import_s]}" 'BEGIN {printf "%.0f", n / s}')
say "  tongxin: upload ${R[import_upload_s]} s, dry run done at ${R[import_dry_s]} s, commit ${R[import_commit_s]} s, ${R[import_rps]} rows/s ($((${R[import_created]})) created); sqlite3 .import ${R[bare_import_s]} s (${R[bare_import_rps]} rows/s)"
stop_serve

# ---- the province slice (county runs): stats at four levels ----
if [ "$SIZE" = county ] && [ "$SLICE" -gt 0 ]; then
	say "province slice: tongxin gen --size province --people $SLICE"
	SDB=$run/province-slice.db
	t=$(now)
	"$TX" gen --size province --db "$SDB" --people "$SLICE" --password "$PW" >"$run/gen-slice.txt" 2>&1 || die "gen province failed"
	R[slice_total_s]=$(secs "$t" "$(now)")
	R[slice_units_s]=$(awk '/^# units_seconds/ {print $3}' "$run/gen-slice.txt")
	R[slice_people_s]=$(awk '/^# people_seconds/ {print $3}' "$run/gen-slice.txt")
	R[slice_grid_s]=$(awk '/^# grid_seconds/ {print $3}' "$run/gen-slice.txt")
	R[slice_line]=$(grep -o 'gen province.*in all' "$run/gen-slice.txt" | head -1)
	R[slice_rate]=$(awk -v n="$SLICE" -v s="${R[slice_people_s]}" 'BEGIN {printf "%.0f", n / s}')
	R[slice_5m_min]=$(awk -v r="${R[slice_rate]}" -v u="${R[slice_units_s]}" -v g="${R[slice_grid_s]}" 'BEGIN {printf "%.0f", (5000000 / r + u + g) / 60}')
	say "  ${R[slice_line]}"
	start_serve "$SDB" "$run/serve-slice.log"
	STAFF_TOKEN=$(signin staff)
	export TX_TOKEN=$STAFF_TOKEN
	LEVELS=()
	add_level town "$(api "$(signin town1)" /api/v1/me | json_get 'd["unit_id"]')"
	add_level county "$(api "$(signin county1)" /api/v1/me | json_get 'd["unit_id"]')"
	add_level city "$(api "$(signin city1)" /api/v1/me | json_get 'd["unit_id"]')"
	add_level province "$(api "$STAFF_TOKEN" /api/v1/me | json_get 'd["unit_id"]')"
	build_rollup "$SDB" "$run/rollup-slice.db"
	for lv in "${LEVELS[@]}"; do stats_level "slice_" "$lv" "$SDB" "$run/rollup-slice.db"; done
	stop_serve
fi
R[load_end]=$(loadavg)
R[elapsed_s]=$(secs "$T0" "$(now)")
say "load average at end: ${R[load_end]}; ${R[elapsed_s]} s in all"

# ---- the results table ----
{
	for k in $(printf '%s\n' "${!R[@]}" | sort); do printf '%s\t%s\n' "$k" "${R[$k]}"; done
} >"$run/results.tsv"

met() { # value, op, goal → yes/no
	awk -v v="$1" -v g="$3" -v op="$2" 'BEGIN { if (v == "" || v == "—") { print "—"; exit }
		ok = (op == "<") ? (v + 0 < g + 0) : (v + 0 >= g + 0); print ok ? "**yes**" : "**no**" }'
}
bad() { [ "${R[${1}_bad]:-0}" -gt 0 ] && printf ' (%s not 2xx)' "${R[${1}_bad]}"; true; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
rq() {
	if [ -n "${R[${1}_serial]:-}" ]; then
		echo "$(fmt "${R[${1}_p50]}") ms a request, one at a time (median of 3; too slow for wrk)"
	else
		echo "$(fmt "${R[${1}_rps]}")/s, $(fmt "${R[${1}_p50]}") / $(fmt "${R[${1}_p99]}") ms$(bad "$1")"
	fi
}
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
dirty=$(git status --porcelain -- src Makefile 2>/dev/null | grep -q . && echo ' + uncommitted changes in src/' || true)
FRAG=bench/results-$SIZE.md
{
	if [ "$SIZE" = county ]; then
		echo "## County size (\`make bench\`)"
	else
		echo "## Province size (\`BENCH_SIZE=province make bench\`)"
	fi
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC'); the whole run took $(awk -v s="${R[elapsed_s]}" 'BEGIN {printf "%.1f min", s / 60}') |"
	echo "| machine | $(nproc) cores, $cpu, $mem RAM, Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME") |"
	echo "| load average (1, 5, 15 min) | at start ${R[load_start]}; at end ${R[load_end]} (other work on this machine shares the 2 cores and disturbs the figures) |"
	echo "| tongxin | commit $commit$dirty, \`make build/tongxin\` (-O2); \`serve\` with its defaults (4 worker threads, access log on); SQLite $(sqlite3 --version | cut -d' ' -f1), WAL, synchronous=FULL, group commit on, no memory map |"
	echo "| load | $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2) -t2 on loopback, sharing the cores; ${DUR} s a run (stats ${SDUR} s); $(nginx -v 2>&1 | cut -d' ' -f3) with 2 workers, access log off |"
	echo "| data | ${R[dataset]}; database ${R[db_mb]} MB |"
	echo
	echo "Requests per second, then p50 / p99 latency in ms. The ratio is tongxin ÷ reference"
	echo "(for stats: tongxin's p50 ÷ the same scan run bare in SQLite, one at a time)."
	echo
	echo "| # | measure | tongxin | reference | ratio | goal | met |"
	echo "|---|---|---|---|---|---|---|"
	for c in 8 64; do
		g='—' m='—'
		[ $c = 64 ] && g='≥ 0.5 × nginx; p99 < 10 ms' && m="$(met "$(ratio "${R[list_64_rps]}" "${R[ng_list_64_rps]}")" '>=' 0.5); $(met "${R[list_64_p99]}" '<' 10)"
		echo "| 1 | list of people in one town's scope (${R[town_people]} people), 20 a page (${R[list_bytes]} B), $c conns | $(rq list_$c) | nginx, a file of the same bytes: $(rq ng_list_$c) | $(ratio "${R[list_${c}_rps]}" "${R[ng_list_${c}_rps]}") | $g | $m |"
	done
	echo "| 1 | the same page, bare SQL (one at a time) | — | ORDER BY id, as before: $(fmt "${R[sql_list_id]}") ms; ORDER BY unit_path, id, as now: $(fmt "${R[sql_list_path]}") ms | — | — | — |"
	for c in 8 64; do
		g='—' m='—'
		[ $c = 64 ] && g='≥ 0.5 × nginx; p99 < 10 ms' && m="$(met "$(ratio "${R[detail_64_rps]}" "${R[ng_detail_64_rps]}")" '>=' 0.5); $(met "${R[detail_64_p99]}" '<' 10)"
		echo "| 2 | one person's detail (${R[detail_bytes]} B), $c conns | $(rq detail_$c) | nginx, a file of the same bytes: $(rq ng_detail_$c) | $(ratio "${R[detail_${c}_rps]}" "${R[ng_detail_${c}_rps]}") | $g | $m |"
	done
	stats_rows() { # prefix, label
		local pre=$1 label=$2 lv
		for lv in town county city province; do
			[ -n "${R[${pre}stats_${lv}_cat_rps]:-}" ] || continue
			echo "| 3 | stats by category, $lv$label (${R[${pre}people_${lv}]} people), 8 conns | $(rq ${pre}stats_${lv}_cat) | bare SQL scan $(fmt "${R[${pre}sql_${lv}_cat]}") ms (with mmap $(fmt "${R[${pre}sqlmm_${lv}_cat]}") ms); counts table, one row: $(fmt "${R[${pre}tot_${lv}]}") ms | $(ratio "${R[${pre}stats_${lv}_cat_p50]}" "${R[${pre}sql_${lv}_cat]}") | p99 < 10 ms | $(met "${R[${pre}stats_${lv}_cat_p99]}" '<' 10) |"
			echo "| 3 | stats by flag (is_representative), $lv$label, 8 conns | $(rq ${pre}stats_${lv}_rep) | counts table, summed over the subtree's units: $(fmt "${R[${pre}self_${lv}]}") ms | — | p99 < 10 ms | $(met "${R[${pre}stats_${lv}_rep_p99]}" '<' 10) |"
		done
	}
	stats_rows "" ""
	if [ -n "${R[slice_stats_town_cat_rps]:-}" ]; then
		stats_rows "slice_" " of the province slice"
		f=$(awk -v n="$SLICE" 'BEGIN {printf "%.0f", 5000000 / n}')
		for lv in county city province; do
			x=$(awk -v a="${R[slice_sql_${lv}_cat]}" -v f="$f" 'BEGIN {printf "%.0f", a * f}')
			echo "| 3 | stats by category, $lv, 5,000,000 people: what a scan would take (the slice's bare scan × $f) | answered from the rollups (person_tally), one index look-up whatever the subtree: see the slice's rows above and the province section | a scan: ≥ $x ms; counts table, one row: $(fmt "${R[slice_tot_${lv}]}") ms | — | p99 < 10 ms | — |"
		done
	fi
	for c in 8 64; do
		echo "| 4 | durable case submissions: POST /cases (number from the sequence, timeline entry, notices, audit entry; answered after its durable commit, shared by ${R[case_per_commit]} requests on average over both runs), $c conns | $(rq case_$c) | bare SQLite, one-row durable commits (WAL, synchronous=FULL): $(fmt "${R[sqlite_commits]}")/s | $(ratio "${R[case_${c}_rps]}" "${R[sqlite_commits]}") | ≥ 2,000/s | $(met "${R[case_${c}_rps]}" '>=' 2000) |"
	done
	for c in 8 64; do
		echo "| 4b | durable record creation: POST /person (sealed fields, blind indexes, audit entry; ${R[write_per_commit]} requests a commit on average), $c conns | $(rq write_$c) | the same | $(ratio "${R[write_${c}_rps]}" "${R[sqlite_commits]}") | — | — |"
	done
	echo "| 5 | 90% list reads / 10% writes, 64 conns | $(rq mix_64) | list only, 64 conns: $(fmt "${R[list_64_rps]}")/s | $(ratio "${R[mix_64_rps]}" "${R[list_64_rps]}") | — | — |"
	echo "| 6 | import of $IMPORT_ROWS people (.xlsx, ${R[xlsx_mb]} MB, the template's 20 columns), validated and encrypted | ${R[import_rps]} rows/s: ${R[import_total_s]} s = upload and dry run ${R[import_dry_s]} s + commit ${R[import_commit_s]} s | sqlite3 .import of the same rows as CSV into a bare table: ${R[bare_import_rps]} rows/s (${R[bare_import_s]} s) | $(ratio "${R[import_rps]}" "${R[bare_import_rps]}") | ≥ 0.5 | $(met "$(ratio "${R[import_rps]}" "${R[bare_import_rps]}")" '>=' 0.5) |"
	echo "| 7 | resident memory under load: peak VmRSS during 1–5 (sampled every 0.2 s) | $(mb "${R[rss_load_kb]}") MB (idle $(mb "${R[rss_idle_kb]}") MB) | nginx, list at 64 conns: $(mb "${R[rss_nginx_kb]}") MB | $(ratio "${R[rss_load_kb]}" "${R[rss_nginx_kb]}") | < 64 MB (county) | $(met "$(mb "${R[rss_load_kb]}")" '<' 64) |"
	echo "| 7 | peak memory (VmHWM): after the sign-ins / after the load / after the import | $(mb "${R[hwm_signin_kb]}") / $(mb "${R[hwm_load_kb]}") / $(mb "${R[hwm_import_kb]}") MB | — | — | — | — |"
	echo "| 7 | start: exec to the first 200 of /healthz (median of 5) | $(fmt "${R[start_ms]}") ms | nginx: $(fmt "${R[start_nginx_ms]}") ms | $(ratio "${R[start_ms]}" "${R[start_nginx_ms]}") | < 100 ms | $(met "${R[start_ms]}" '<' 100) |"
	echo
	echo "| dataset | command | time |"
	echo "|---|---|---|"
	if [ "$SIZE" = county ]; then
		echo "| county: ${R[dataset]#demo city } | \`tongxin demo --people 30000\` | ${R[gen_demo_s]} s |"
		echo "| county: organisations topped up to 2,000 (+${R[gen_orgs_added]} enterprises) | \`tongxin gen --size county\` | ${R[gen_orgs_s]} s |"
		if [ -n "${R[slice_line]:-}" ]; then
			echo "| province slice: ${R[slice_line]#gen province } | \`tongxin gen --size province --people $SLICE\` | ${R[slice_total_s]} s: units ${R[slice_units_s]} s, people ${R[slice_people_s]} s (${R[slice_rate]} people/s with their memberships and arrangements), grid ${R[slice_grid_s]} s |"
			echo "| province, 5,000,000 people | \`tongxin gen --size province\` | ≈ ${R[slice_5m_min]} min at the slice's rate (an extrapolation; the measured time is in the province section) |"
		fi
	else
		echo "| province: ${R[dataset]#gen province } | \`tongxin gen --size province --people $PEOPLE\` | ${R[gen_province_s]} s |"
	fi
	echo "| the import's file | \`bench/mkrows\` (libxlsxwriter) | ${R[mkrows_s]} s |"
	echo
	echo "Raw outputs: \`bench/out/$(basename "$run")/\` (not kept in git)."
	echo
} >"$FRAG"

compose_doc
cp "$FRAG" "$run/results.md"
say "wrote $FRAG and $DOC"
