#!/usr/bin/env bash
# Installs the Debian packages that test/support/validate.ts shells out to.
# Quick when everything is present (see apt-ensure.sh), so CI (root, CI=true, no
# stdin) and developers can run it before every test run.
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

exec bash "$(dirname "$0")/apt-ensure.sh" install-system-deps required "${packages[@]}"
