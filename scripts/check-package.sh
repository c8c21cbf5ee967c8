#!/usr/bin/env bash
# The package as a user gets it: `npm pack` (which builds through `prepack`), install the tarball in an
# empty folder, run `npx monitoring-grid start` there on the embedded defaults (PGlite and the demo in
# that folder's ./data) and check that the dashboard is served at `/`, the demo's KPIs exist, the build
# tools are not installed and nothing in the package is written while it runs. Exits non-zero on the first
# failure. Takes a few minutes: the install compiles better-sqlite3. Run by .ci/run after `npm test`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mg-package-XXXXXX")"
service=''
# The service runs in a session of its own (setsid), so npx, its shell and node get the signal together;
# never our own group.
stop_service() {
  [ -n "$service" ] && kill -0 "$service" 2>/dev/null || return 0
  local group
  group="$(ps -o pgid= -p "$service" | tr -d ' ')"
  if [ -n "$group" ] && [ "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]; then kill -TERM -- "-$group"; else kill -TERM "$service"; fi
}
cleanup() {
  stop_service 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '[check-package] %s\n' "$*"; }
fail() { printf '[check-package] FAILED: %s\n' "$*" >&2; [ -f "$work/service.log" ] && tail -40 "$work/service.log" >&2; exit 1; }

log 'npm pack (prepack builds the server and the dashboard)'
(cd "$repo" && npm pack --pack-destination "$work" >"$work/pack.log" 2>&1) || { cat "$work/pack.log" >&2; fail 'npm pack'; }
tarball="$(ls "$work"/monitoring-grid-*.tgz)"
tar -tzf "$tarball" >"$work/contents"
for f in bin/monitoring-grid.js dist/entry.js dist/cli.js dist/adapters/storage/migrations/0001_foundation.sql \
  dist/adapters/sources/sqlite-child.mjs web/dist/index.html; do
  grep -qx "package/$f" "$work/contents" || fail "the tarball lacks $f"
done
sources="$(grep -E '^package/(src|test|bench|scripts)/|\.ts$' "$work/contents" || true)"
[ -z "$sources" ] || fail "the tarball holds sources: $(printf '%s' "$sources" | head -3 | tr '\n' ' ')"
log "$(basename "$tarball"): $(wc -l <"$work/contents") files, $(du -k "$tarball" | cut -f1) kB"

app="$work/app"
mkdir "$app"
log 'npm install <tarball> in an empty folder'
(cd "$app" && npm install --no-audit --no-fund "$tarball" >"$work/install.log" 2>&1) || { tail -30 "$work/install.log" >&2; fail 'npm install'; }
for tool in vite tsx @vitejs/plugin-react typescript; do
  [ ! -e "$app/node_modules/$tool" ] || fail "$tool was installed with the package: it must be a devDependency"
done
installed="$app/node_modules/monitoring-grid"
snapshot() { (cd "$installed" && find . -printf '%p %s %T@\n' | sort); }
snapshot >"$work/before"

(cd "$app" && npx --no-install monitoring-grid --help >"$work/help.txt") || fail 'npx monitoring-grid --help'
grep -q '^usage: monitoring-grid <command>' "$work/help.txt" || fail "--help printed: $(cat "$work/help.txt")"

log 'npx monitoring-grid start (embedded store and demo in the folder)'
password='package-check-password'
(cd "$app" && exec setsid env -i PATH="$PATH" HOME="$HOME" PORT=0 ADMIN_PASSWORD="$password" LOG_LEVEL=warn \
  npx --no-install monitoring-grid start >"$work/service.log" 2>&1) &
service=$!
url=''
for _ in $(seq 1 240); do
  url="$(sed -n 's/^MonitoringGrid dashboard: \(http[^ ]*\)$/\1/p' "$work/service.log" | head -1)"
  [ -n "$url" ] && break
  kill -0 "$service" 2>/dev/null || fail 'the service exited before it printed its address'
  sleep 1
done
[ -n "$url" ] || fail 'the service printed no address in 240 s'
log "serving $url"

page="$(curl -fsS "$url")" || fail "GET / failed"
script="$(printf '%s' "$page" | sed -n 's/.*<script[^>]*src="\([^"]*\)".*/\1/p' | head -1)"
[ -n "$script" ] || fail "GET / is not the built dashboard: $(printf '%s' "$page" | head -c 300)"
curl -fsS -o /dev/null "${url%/}$script" || fail "the dashboard's bundle $script is not served"
curl -fsS -o /dev/null "${url}health/ready" || fail 'GET /health/ready failed'
json() { node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(eval(process.argv[1])(JSON.parse(s))))' "$1"; }
token="$(curl -fsS -H 'content-type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}" "${url}api/v1/auth/login" \
  | json '(b) => b.accessToken')" || fail 'sign-in as admin failed'
demo="$(curl -fsS -H "authorization: Bearer $token" "${url}api/v1/kpis" | json '(b) => b.items.filter((k) => k.indicator.startsWith("Demo:")).length')" \
  || fail 'GET /api/v1/kpis failed'
[ "$demo" -ge 3 ] || fail "the demo's KPIs are missing (found $demo)"
[ -d "$app/data" ] && [ -f "$app/data/demo.sqlite" ] || fail 'the embedded store and the demo database are not in the folder (./data)'

stop_service
for _ in $(seq 1 30); do kill -0 "$service" 2>/dev/null || break; sleep 1; done
! kill -0 "$service" 2>/dev/null || fail 'the service did not stop within 30 s of SIGTERM'
service=''
snapshot >"$work/after"
diff "$work/before" "$work/after" >"$work/changed" || fail "the installed package changed while it ran (something was built at start): $(head -5 "$work/changed" | tr '\n' ' ')"
log "ok: the dashboard at /, $demo demo KPIs, no build tools installed, nothing written into the package"
