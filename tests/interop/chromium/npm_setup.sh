# Sourced: installs the locked playwright-core into NODE_DIR (npm ci) unless it is already there
# for this exact lockfile, and copies the driver beside it. Never downloads a browser.
mkdir -p "$NODE_DIR"
if ! cmp -s "$HERE/package-lock.json" "$NODE_DIR/package-lock.json" ||
   [ ! -d "$NODE_DIR/node_modules/playwright-core" ]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$NODE_DIR/"
  log "npm ci in $NODE_DIR"
  (cd "$NODE_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 run_bounded 300 npm ci --no-audit --no-fund \
     --loglevel=error) >&2 || fail "npm ci failed (the npm registry must be reachable)"
fi
cp "$HERE/driver.js" "$HERE/page_tests.js" "$NODE_DIR/"
