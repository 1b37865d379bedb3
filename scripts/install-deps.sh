#!/usr/bin/env bash
# Installs the system packages life-tui needs (scripts/system-deps.sh lists
# them and how each is checked) when they are missing. Uses sudo when not
# root. Safe to run again: does nothing when all is there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=system-deps.sh
. "$here/system-deps.sh"

missing=()
for pkg in "${LIFE_TUI_PACKAGES[@]}"; do
    if dep_missing "$pkg"; then missing+=("$pkg"); fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: missing ${missing[*]}; installing" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "error: need root or sudo to install: ${missing[*]}" >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: no apt-get here; install by hand: ${missing[*]} (Debian names)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# apt may unpack a -dev package's unversioned .so after the dpkg run whose
# trigger refreshed the loader's cache: refresh it once more.
$sudo ldconfig 2>/dev/null || true

still=()
for pkg in "${missing[@]}"; do
    if dep_missing "$pkg"; then still+=("$pkg"); fi
done
if [ ${#still[@]} -ne 0 ]; then
    echo "error: installed ${missing[*]} but still missing what ${still[*]} should provide" >&2
    exit 1
fi
echo "install-deps: installed ${missing[*]} in $(( $(date +%s) - start )) s" >&2
