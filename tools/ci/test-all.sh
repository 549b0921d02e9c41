#!/usr/bin/env bash
# The README's test command (`npm test`): on a fresh machine it installs what the tests need, starts the
# local services, then runs lint, typecheck and every test (unit, integration, end-to-end) through Nx.
#
#   npm test                     everything
#   npm test -- -p bitlocker     only some projects (arguments go to `nx run-many`)
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[test] %s\n' "$*" >&2; }

# Debian tools the tests drive for real: independent BitLocker readers, the NTFS tools, python3 (its pty
# module drives the seedship CLI through a pseudo-terminal) and Chromium for the ops console's
# end-to-end tests (driven by playwright-core at /usr/bin/chromium).
test_packages=(dislocker libbde-utils cryptsetup-bin ntfs-3g zstd python3 chromium)
missing=()
command -v dislocker-file >/dev/null || missing+=(dislocker)
command -v bdeinfo >/dev/null || missing+=(libbde-utils)
command -v cryptsetup >/dev/null || missing+=(cryptsetup-bin)
command -v mkntfs >/dev/null || missing+=(ntfs-3g)
command -v zstd >/dev/null || missing+=(zstd)
command -v python3 >/dev/null || missing+=(python3)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${test_packages[*]}"
    exit 1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >/dev/null
fi

# Postgres and NATS: from the environment if given, else the project's local servers.
if [ -z "${TEST_DATABASE_URL:-}" ] || [ -z "${TEST_NATS_URL:-}" ]; then
  eval "$(bash tools/dev/services start)"
  export TEST_DATABASE_URL="${TEST_DATABASE_URL:-$DATABASE_URL}" TEST_NATS_URL="${TEST_NATS_URL:-$NATS_URL}"
fi
log "Postgres: ${TEST_DATABASE_URL%%\?*}  NATS: $TEST_NATS_URL"

export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-false}"
npx nx run-many -t lint typecheck test --output-style=stream "$@"
