#!/bin/sh
# Refresh the vendored axe-core from the npm registry: `make axe` or `sh refresh.sh 4.14.1`.
# Only the minified build and its licences are kept; the file is read by the browser tests and
# evaluated in the page through the DevTools protocol, never served by the application.
set -eu
VERSION="${1:?usage: refresh.sh <axe-core version, e.g. 4.14.1>}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "axe-core@$VERSION" >/dev/null && tar xzf "axe-core-$VERSION.tgz")
cp "$WORK/package/axe.min.js" "$WORK/package/LICENSE" "$WORK/package/LICENSE-3RD-PARTY.txt" "$HERE/"
SHA="$(sha256sum "$HERE/axe.min.js" | cut -d' ' -f1)"
cat >"$HERE/README.md" <<README
# axe-core $VERSION (vendored for the browser tests only)

From the npm package \`axe-core@$VERSION\` (Deque Systems, MPL-2.0: see \`LICENSE\` and
\`LICENSE-3RD-PARTY.txt\`), fetched with:

    cd /tmp && npm pack axe-core@$VERSION && tar xzf axe-core-$VERSION.tgz && cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt <here>

or \`make axe AXE_VERSION=$VERSION\` (runs \`refresh.sh\` in this folder).

sha256 of \`axe.min.js\`: \`$SHA\`

\`tests/browser/a11y.py\` evaluates it in each page through the DevTools protocol (\`page.evaluate\`), which the
page's Content-Security-Policy does not govern. It lives under \`tests/\`, never under \`static/\`: the
application never serves it.
README
echo "axe-core $VERSION -> $HERE"
