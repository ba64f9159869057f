#!/usr/bin/env bash
# Installs, with apt-get, every Debian package TechMart needs to build, test,
# run and benchmark — and does nothing when all of them are present.
set -euo pipefail

PKGS=(
  gcc make pkg-config                                   # toolchain
  libcivetweb-dev libpq-dev libhiredis-dev libcjson-dev # libraries
  libnanomsg-dev libssl-dev libsodium-dev libnlopt-dev check
  libcurl4-openssl-dev                                  # supplier API client, alert deliveries
  python3-aiosmtpd                                      # the SMTP sink of the alert tests
  postgresql redis-server nginx                         # servers the stack runs
  wrk curl                                              # bench, health probes
  clang libclang-rt-14-dev                              # libFuzzer (tests/fuzz)
  nodejs chromium                                       # the web app's build and browser tests (docs/web.md)
)
# Debian's npm only when no npm command exists: nodesource's nodejs bundles
# npm and conflicts with Debian's npm package.
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# Debian's postinst scripts try to start the packaged servers; the stack runs
# its own instances on its own ports, so that is harmless but not needed.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
echo "deps: done"
