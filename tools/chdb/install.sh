#!/usr/bin/env bash
# Installs chDB's libchdb.so (the ClickHouse engine as a shared library, about 566 MB) into a cache directory outside
# the repository, for the ClickHouse tests (see tools/chdb/README.md).
#
#   tools/chdb/install.sh          prints the directory holding libchdb.so on its last line
#
# Where: $VIEWPULSE_CHDB_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/viewpulse/chdb/<version>. Registry:
# $VIEWPULSE_NPM_REGISTRY, else npm's own setting. The tarball comes from `npm pack` and must match both the
# registry's dist.integrity and the sha512 pinned below; a marker written after that check makes a second run a no-op.
set -euo pipefail

PACKAGE=@chdb/lib-linux-x64-gnu
VERSION=26.7.3-stable.1
# dist.integrity of ${PACKAGE}@${VERSION}, checked against the registry's own value and the downloaded tarball
PINNED=sha512-XP97mMqnc5tZpKQywR8N7cLTsHNiTmHr30pC5mzo3jWmukjKn2IBa60c2B/gWUNcuFjOMjWoorQICCqBVj5wpw==

say() { echo "chdb install: $*" >&2; }
die() { say "$*"; exit 1; }

repo=$(cd "$(dirname "$0")/../.." && pwd -P)
dir=$(realpath -m "${VIEWPULSE_CHDB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/viewpulse/chdb/$VERSION}")
case "$dir/" in
  "$repo"/*) die "refusing to install under the repository ($dir): set VIEWPULSE_CHDB_DIR to a cache directory" ;;
esac
mkdir -p "$dir"

lib=$dir/libchdb.so
marker=$dir/.verified

installed() {
  [ -f "$lib" ] && [ -f "$marker" ] && [ "$(cat "$marker")" = "$PINNED $(stat -c %s "$lib")" ]
}

if installed; then
  say "libchdb.so $VERSION already installed and verified in $dir"
  echo "$dir"
  exit 0
fi

for tool in npm node tar timeout flock; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is needed (apt-get install nodejs npm coreutils tar util-linux)"
done

# one installer at a time per directory (two test runs may start together)
exec 9>"$dir/.lock"
timeout 1200 flock 9 || die "another install holds $dir/.lock"
if installed; then
  say "libchdb.so $VERSION installed by another run in $dir"
  echo "$dir"
  exit 0
fi

npm_args=(--no-audit --no-fund --loglevel=error)
if [ -n "${VIEWPULSE_NPM_REGISTRY:-}" ]; then
  npm_args+=(--registry "$VIEWPULSE_NPM_REGISTRY")
fi

tmp=$(mktemp -d "$dir/.install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

registry=$(timeout 120 npm view "${npm_args[@]}" "$PACKAGE@$VERSION" dist.integrity) \
  || die "could not read $PACKAGE@$VERSION from the npm registry"
[ "$registry" = "$PINNED" ] || die "the registry's integrity for $PACKAGE@$VERSION ($registry) is not the pinned $PINNED"

say "downloading $PACKAGE@$VERSION (about 178 MB) into $dir"
# a throw-away npm cache: the tarball is not kept twice
(cd "$tmp" && timeout 1200 npm pack "${npm_args[@]}" --cache "$tmp/npm-cache" --pack-destination "$tmp" \
  "$PACKAGE@$VERSION" >"$tmp/pack.out") || die "npm pack $PACKAGE@$VERSION failed"
tgz=$tmp/chdb-lib-linux-x64-gnu-$VERSION.tgz
[ -f "$tgz" ] || die "npm pack did not write $tgz (it said: $(cat "$tmp/pack.out"))"

got=$(timeout 300 node -e '
  const h = require("crypto").createHash("sha512");
  require("fs").createReadStream(process.argv[1]).on("data", d => h.update(d))
    .on("end", () => console.log("sha512-" + h.digest("base64")));' "$tgz")
[ "$got" = "$PINNED" ] || die "integrity check failed for the downloaded tarball: $got, expected $PINNED"

timeout 600 tar -xzf "$tgz" -C "$tmp" package/libchdb.so || die "the tarball holds no package/libchdb.so"
rm -f "$marker"
mv -f "$tmp/package/libchdb.so" "$lib"
echo "$PINNED $(stat -c %s "$lib")" >"$marker.part"
mv -f "$marker.part" "$marker"
say "libchdb.so $VERSION installed in $dir"
echo "$dir"
