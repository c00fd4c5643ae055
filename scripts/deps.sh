#!/bin/sh
# deps.sh — install what building, running or testing Tongxin needs.
#
#   scripts/deps.sh build   compiler, C libraries, Node.js (for the web UI)
#   scripts/deps.sh check   the above plus the test tools: PostgreSQL server,
#                           cmocka, sqlite3 shell, Chromium, LibreOffice Calc
#                           (headless, to write .xlsx files for the import tests)
#
# Debian packages only, installed with apt-get when something is missing
# (nothing is downloaded from elsewhere). Then the web UI's npm packages,
# exactly as package-lock.json pins them (npm ci).
set -eu

profile=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)

build_pkgs="gcc make pkg-config libc6-dev libmicrohttpd-dev libsqlite3-dev libpq-dev libjansson-dev libsodium-dev libxlsxwriter-dev libzip-dev libexpat1-dev zlib1g-dev"
check_pkgs="libcmocka-dev sqlite3 postgresql chromium curl libreoffice-calc-nogui"

want=$build_pkgs
[ "$profile" = check ] && want="$want $check_pkgs"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"

if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	if [ "$(id -u)" -ne 0 ]; then
		SUDO=sudo
	else
		SUDO=
	fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# The web UI's packages, pinned by package-lock.json.
if [ -f "$here/web/package-lock.json" ]; then
	stamp="$here/web/node_modules/.tongxin-stamp"
	if [ ! -f "$stamp" ] || [ "$here/web/package-lock.json" -nt "$stamp" ]; then
		echo "deps: npm ci (web)"
		(cd "$here/web" && npm ci --no-audit --no-fund --loglevel=error)
		touch "$stamp"
	fi
fi
