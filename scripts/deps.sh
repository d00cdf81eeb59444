#!/usr/bin/env bash
# Installs what the demo and the tests need on a fresh Debian 12 machine: Debian packages
# (only those missing) and the Rust components. Safe to run again; quiet when all is there.
set -euo pipefail

PKGS=(dovecot-imapd valgrind bc pkg-config libssl-dev openssl cmake make gcc g++ python3 doxygen python3-venv)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  }
fi

for tool in go node npm; do
  command -v "$tool" >/dev/null || { echo "deps: $tool not found (the bindings' tests need it)" >&2; exit 1; }
done
if ! command -v cargo >/dev/null; then
  echo "deps: cargo not found; install Rust with rustup first" >&2
  exit 1
fi
if command -v rustup >/dev/null; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c" >&2
  done
fi
