#!/usr/bin/env bash
# Installs the Debian tools the benchmarks compare against: wrk (load generator),
# nginx (static-file baseline) and hugo (build baseline). Quick when they are
# present; without root it names what is missing and the bench skips those cases.
set -euo pipefail

packages=(wrk nginx hugo)
commands=(wrk nginx hugo)

missing=()
for i in "${!packages[@]}"; do
  command -v "${commands[$i]}" >/dev/null 2>&1 || [ -x "/usr/sbin/${commands[$i]}" ] || missing+=("${packages[$i]}")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "bench/install-tools: wrk, nginx and hugo already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "bench/install-tools: missing ${missing[*]}; run as root to install them (the bench skips what is absent)" >&2
  exit 0
fi

echo "bench/install-tools: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
