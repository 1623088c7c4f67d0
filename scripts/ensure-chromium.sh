#!/usr/bin/env bash
# Make sure Debian's chromium is installed at /usr/bin/chromium (driven by playwright-core in the e2e
# tests; no browser is ever downloaded by npm). Idempotent; instant when already installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi

if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "chromium: $CHROMIUM is missing. Install it as root: apt-get install -y chromium" >&2
  exit 1
fi

echo "chromium: installing with apt-get ..."
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
fi
[[ -x "$CHROMIUM" ]] || {
  echo "chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
}
echo "chromium: installed ($("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM"))"
