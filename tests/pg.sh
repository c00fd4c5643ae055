#!/bin/sh
# pg.sh — a throw-away PostgreSQL cluster for the tests.
#
#   tests/pg.sh start DIR PORT         initialise DIR if needed, start the
#                                      server on 127.0.0.1:PORT (socket in DIR)
#                                      and print postgresql://postgres@127.0.0.1:PORT/postgres
#   tests/pg.sh stop DIR               stop it (fast shutdown); fine if not running
#   tests/pg.sh createdb DIR PORT NAME create database NAME (if missing) and
#                                      print its URL
#
# Authentication is `trust`: never use this for anything but tests. Run as
# root, the server runs as the `postgres` OS user (PostgreSQL refuses root)
# and DIR is created and owned by it; run as another user, it runs as that
# user. PG_BINDIR overrides the binaries' directory (default
# /usr/lib/postgresql/15/bin). URLs go to stdout, everything else to stderr.
set -eu

BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
PGUSER_OS=postgres

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

usage() {
	die "usage: pg.sh start DIR PORT | stop DIR | createdb DIR PORT NAME"
}

need_bins() {
	for b in "$@"; do
		[ -x "$BINDIR/$b" ] || die "$BINDIR/$b not found (install postgresql-15 or set PG_BINDIR)"
	done
}

# Run a command as the cluster's OS user.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$PGUSER_OS" -- "$@"
	else
		"$@"
	fi
}

check_port() {
	case $1 in
	'' | *[!0-9]*) die "bad port '$1'" ;;
	esac
	if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then die "bad port '$1'"; fi
}

abs_dir() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

cmd_start() {
	[ $# -eq 2 ] || usage
	dir=$(abs_dir "$1")
	port=$2
	check_port "$port"
	need_bins initdb pg_ctl postgres
	if [ "$(id -u)" -eq 0 ]; then
		command -v runuser >/dev/null 2>&1 || die "runuser not found (util-linux)"
		id "$PGUSER_OS" >/dev/null 2>&1 || die "OS user '$PGUSER_OS' does not exist"
	fi
	case $dir in
	*[!A-Za-z0-9_./-]*) die "DIR may hold only letters, digits and _ . / - (it goes into pg_ctl -o)" ;;
	esac
	# The Unix socket path must fit in sun_path (107 bytes).
	sock="$dir/.s.PGSQL.$port"
	[ ${#sock} -le 107 ] || die "DIR is too long for a Unix socket path: $sock"

	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$PGUSER_OS:" "$dir"
	fi
	chmod 700 "$dir"
	as_pg test -w "$dir" -a -x "$dir" ||
		die "$dir is not usable by user $(if [ "$(id -u)" -eq 0 ]; then echo "$PGUSER_OS"; else id -un; fi) (check the parent directories' permissions)"

	if [ ! -f "$dir/PG_VERSION" ]; then
		[ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor a PostgreSQL cluster"
		out=$(as_pg "$BINDIR/initdb" -D "$dir" -A trust -U postgres --encoding=UTF8 \
			--locale=C.UTF-8 2>&1) || {
			printf '%s\n' "$out" >&2
			die "initdb failed"
		}
	fi

	if as_pg "$BINDIR/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
		echo "pg.sh: already running in $dir" >&2
	else
		as_pg "$BINDIR/pg_ctl" -D "$dir" \
			-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" \
			-w -t 60 start -l "$dir/log" >/dev/null || {
			tail -n 20 "$dir/log" >&2 2>/dev/null || true
			die "the server did not start (log: $dir/log)"
		}
	fi
	echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

cmd_stop() {
	[ $# -eq 1 ] || usage
	dir=$(abs_dir "$1")
	need_bins pg_ctl
	if [ ! -f "$dir/postmaster.pid" ]; then
		echo "pg.sh: not running in $dir" >&2
		return 0
	fi
	as_pg "$BINDIR/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || die "could not stop the server in $dir"
}

cmd_createdb() {
	[ $# -eq 3 ] || usage
	port=$2
	name=$3
	check_port "$port"
	case $name in
	'' | [!A-Za-z_]* | *[!A-Za-z0-9_]*) die "bad database name '$name' (letters, digits, _)" ;;
	esac
	need_bins psql
	psql() {
		"$BINDIR/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
	}
	exists=$(psql -At -c "SELECT 1 FROM pg_database WHERE datname = '$name'") ||
		die "cannot reach the server on 127.0.0.1:$port"
	if [ "$exists" = 1 ]; then
		echo "pg.sh: database $name already exists" >&2
	else
		psql -c "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING 'UTF8'" ||
			die "could not create database $name"
	fi
	echo "postgresql://postgres@127.0.0.1:$port/$name"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
createdb) cmd_createdb "$@" ;;
*) usage ;;
esac
