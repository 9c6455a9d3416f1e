#!/usr/bin/env bash
# Installs the Debian tools the benchmarks compare against: wrk (load generator),
# nginx (static-file baseline) and hugo (build baseline). Quick when they are
# present; without root it names what is missing and the bench skips those cases.
set -euo pipefail
exec bash "$(dirname "$0")/../scripts/apt-ensure.sh" bench/install-tools optional wrk nginx hugo
