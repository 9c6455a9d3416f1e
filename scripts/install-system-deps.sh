#!/usr/bin/env bash
# Installs the Debian packages that test/support/validate.ts shells out to.
# Quick when everything is present: apt is only touched when a package is missing,
# so CI (root, CI=true, no stdin) and developers can run it before every test run.
set -euo pipefail

# Debian package -> what the harness uses from it.
packages=(
  jing                              # RELAX NG validation of Atom (jing -c test/schemas/atom.rnc)
  libxml2-utils                     # xmllint: XML well-formedness
  python3-feedparser                # Universal Feed Parser, run by /usr/bin/python3
  newsboat                          # a real terminal feed reader
  sfeed                             # a second real reader, RSS/Atom to TSV
  golang-go                         # builds test/support/gofeed_read
  golang-github-mmcdole-gofeed-dev  # gofeed sources under /usr/share/gocode (GOPATH mode, offline)
  chromium                          # headless browser for the HTML page tests (driven by playwright-core)
  faketime                          # another clock for the reproducible-build test (test/over-time.test.ts)
)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pkg in "${packages[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing ${missing[*]}; run this script as root" >&2
  exit 1
fi

echo "install-system-deps: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
