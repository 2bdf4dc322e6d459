#!/usr/bin/env bash
# The whole test suite: lint, type-check, then every test (unit and integration) in one vitest run.
# Called by `./run test` after install and build; not meant to be run on its own.
set -euo pipefail
cd "${SY_ROOT:?run me through ./run test}"

step() { printf '\n== %s\n' "$*" >&2; }

step "lint (biome)"
npx --no-install biome check .

step "type-check (tsc, tests and benchmarks included)"
npx --no-install tsc -p packages/sdk/tsconfig.test.json --noEmit
npx --no-install tsc -p packages/gateway/tsconfig.test.json --noEmit
npx --no-install tsc -p bench/tsconfig.json --noEmit

step "PostgreSQL"
PG_URL="${SWITCHYARD_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export SWITCHYARD_TEST_DATABASE_URL="$PG_URL"
pg_up() { node -e '
  const pg = require(require.resolve("pg", { paths: [process.cwd() + "/packages/gateway"] }));
  const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
  c.connect().then(() => c.query("select 1")).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
' "$PG_URL"; }
if pg_up; then
  echo "reachable at ${PG_URL%%\?*}" >&2
else
  # A local Debian cluster that is installed but stopped: start it rather than skip the PostgreSQL suite.
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    for v in /etc/postgresql/*/; do
      v="$(basename "$v")"
      echo "starting local cluster $v/main" >&2
      pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>&1 || sudo -n pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>&1 || true
    done
    for _ in $(seq 1 20); do pg_up && break; sleep 0.5; done
  fi
  if ! pg_up; then
    echo "PostgreSQL is not reachable at $PG_URL and could not be started." >&2
    echo "Start it, or point SWITCHYARD_TEST_DATABASE_URL at one; the store suite must run on PostgreSQL too." >&2
    exit 1
  fi
fi

step "tests (vitest)"
exec npx --no-install vitest run "$@"
