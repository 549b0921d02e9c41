#!/usr/bin/env bash
# `npm run demo`: the whole seeding workflow on this machine (see docs/demo.md). Installs what is missing
# (the Debian tools the drives and the datacenter simulator use, npm packages only when node_modules is
# absent), then runs tools/demo/src/main.ts, which starts everything else itself.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '[demo] %s\n' "$*" >&2; }

# The same tools and the same way as tools/ci/test-all.sh: BitLocker readers and NTFS tools (the
# simulated datacenter reads the drives), zstd; Postgres and nats-server come from tools/dev/services.
packages=(dislocker libbde-utils cryptsetup-bin ntfs-3g zstd)
missing=()
command -v dislocker-file >/dev/null || missing+=(dislocker)
command -v bdeinfo >/dev/null || missing+=(libbde-utils)
command -v cryptsetup >/dev/null || missing+=(cryptsetup-bin)
command -v mkntfs >/dev/null || missing+=(ntfs-3g)
command -v zstd >/dev/null || missing+=(zstd)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${packages[*]}"
    exit 1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  }
fi

# Never reinstall over an existing node_modules: it may be shared with other checkouts.
if [ ! -e node_modules ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund >/dev/null
fi

# The Prisma client is generated into libs/db (not committed); the services need it.
if [ ! -d libs/db/src/generated/prisma ]; then
  log "generating the Prisma client"
  npx prisma generate >/dev/null
fi

export SWC_NODE_PROJECT="$PWD/tsconfig.base.json"
exec node -r @swc-node/register tools/demo/src/main.ts "$@"
