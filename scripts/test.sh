#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need when it is missing
# (Debian's Dovecot for the e-mail tests, Debian's Chromium for the console and WhatsApp tests),
# the npm dependencies, then the type check, Prettier and ESLint, and the whole vitest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export PUPPETEER_SKIP_DOWNLOAD=true

need=()
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd dovecot-lmtpd)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v rtpengine >/dev/null 2>&1 || need+=(rtpengine-daemon)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
npm run --silent typecheck
# Formatting (Prettier) and ESLint's type-checked rules, before the tests.
npm run --silent lint
npm test
