#!/bin/sh
# vendor.sh fetches the third-party files the dashboard and its browser tests
# use, from npm, and records their versions and sha256 sums in SOURCE files
# that TestVendoredChecksums checks. Run by `go generate ./serve/web` with
# network access to the npm registry; nothing else in hashfall needs npm.
set -eu
UPLOT=1.6.32
AXE=4.11.1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "uplot@$UPLOT" "axe-core@$AXE" >/dev/null
mkdir u a
tar xzf "uplot-$UPLOT.tgz" -C u
tar xzf "axe-core-$AXE.tgz" -C a

record() { # dir package version files...
	dir=$1 pkg=$2 ver=$3
	shift 3
	{
		echo "package: $pkg"
		echo "version: $ver"
		echo "source: npm pack $pkg@$ver (https://registry.npmjs.org/$pkg/-/$pkg-$ver.tgz)"
		echo "fetched-by: serve/web/vendor.sh (go generate ./serve/web)"
		for f in "$@"; do
			echo "sha256: $(sha256sum "$dir/$f" | cut -d' ' -f1)  $f"
		done
	} >"$dir/SOURCE"
}

u="$here/static/vendor/uplot"
mkdir -p "$u"
cp u/package/dist/uPlot.iife.min.js u/package/dist/uPlot.min.css u/package/LICENSE "$u/"
record "$u" uplot "$UPLOT" uPlot.iife.min.js uPlot.min.css LICENSE

a="$root/internal/browsertest/vendor/axe-core"
mkdir -p "$a"
cp a/package/axe.min.js a/package/LICENSE "$a/"
record "$a" axe-core "$AXE" axe.min.js LICENSE
