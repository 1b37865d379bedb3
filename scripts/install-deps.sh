#!/usr/bin/env bash
# Installs what life-tui needs from the system when it is missing:
# Open MPI (mpirun and headers), libclang (rsmpi's bindgen), pkg-config, tmux.
# Uses sudo when not root. Safe to run again: does nothing when all is there.
set -euo pipefail

missing=()
command -v mpirun >/dev/null 2>&1 && command -v mpicc >/dev/null 2>&1 || missing+=(openmpi-bin libopenmpi-dev)
pkg-config --exists ompi 2>/dev/null || missing+=(libopenmpi-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
if ! ls /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1; then
    missing+=(libclang-dev)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

# shellcheck disable=SC2207
missing=($(printf '%s\n' "${missing[@]}" | sort -u))
echo "install-deps: installing ${missing[*]}" >&2
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
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
