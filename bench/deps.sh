#!/bin/sh
# bench/deps.sh — install what the benchmarks need and `make check` does not:
# wrk (the load generator), nginx (the HTTP-ceiling reference), the sqlite3
# shell (import and durable-write references), and the C toolchain with
# libxlsxwriter for the small helpers in bench/. Debian packages only,
# with apt-get, and only when missing.
set -eu

missing=""
for p in wrk nginx sqlite3 curl gcc make pkg-config libc6-dev libxlsxwriter-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "bench deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
# Debian's nginx package starts the distribution's server on port 80 when
# it is installed; a policy-rc.d answering 101 stops that for the length of
# the install (the benchmark runs its own nginx on loopback only).
ours=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	ours=1
fi
rc=0
$SUDO apt-get update -qq || rc=$?
[ $rc -eq 0 ] && { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing || rc=$?; }
[ -n "$ours" ] && $SUDO rm -f /usr/sbin/policy-rc.d
exit $rc
