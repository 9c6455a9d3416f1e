#!/usr/bin/env bash
# Installs the named Debian packages that are missing; quick when all are present,
# since apt is only touched for a missing package.
#   apt-ensure.sh LABEL required|optional PACKAGE...
# Without root, "required" fails and "optional" only names what is missing
# (whoever needs an optional package skips what it cannot run).
set -euo pipefail

label=$1 mode=$2
shift 2

missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "$label: all $# packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "$label: missing ${missing[*]}; run as root to install them" >&2
  [ "$mode" = optional ] && exit 0
  exit 1
fi

echo "$label: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
