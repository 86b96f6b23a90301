#!/usr/bin/env bash
# Fetches the official ONNX Runtime native library (1.23.2) for this OS and architecture.
#
# The NuGet packages are not served to this project; the same prebuilt library ships inside the
# onnxruntime-node npm package (DESIGN.md, "Dependencies and why"). We `npm pack` the tarball into
# a cache — `npm pack` only downloads, so the package's install script never runs — and extract
# the one native file we need. Idempotent: a second call with a filled cache does no network work.
#
# Usage: scripts/fetch-onnxruntime.sh [DEST_DIR]
#   Prints the absolute path of the cached library on stdout. With DEST_DIR, also copies it there.
# Environment:
#   TRPOEDGE_ORT_CACHE  cache directory (default: ${XDG_CACHE_HOME:-~/.cache}/trpoedge/onnxruntime-1.23.2)
#   TRPOEDGE_NPM        the npm command to use (default: npm)
set -euo pipefail
npm="${TRPOEDGE_NPM:-npm}"

version=1.23.2
cache="${TRPOEDGE_ORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trpoedge/onnxruntime-$version}"

case "$(uname -s)" in
  Linux)  os=linux;  lib=libonnxruntime.so.1 ;;
  Darwin) os=darwin; lib=libonnxruntime.$version.dylib ;;
  MINGW*|MSYS*|CYGWIN*) os=win32; lib=onnxruntime.dll ;;
  *) echo "fetch-onnxruntime: unsupported OS '$(uname -s)'; set TRPOEDGE_ORT_LIB to an ONNX Runtime $version library instead." >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "fetch-onnxruntime: unsupported architecture '$(uname -m)'; set TRPOEDGE_ORT_LIB to an ONNX Runtime $version library instead." >&2; exit 2 ;;
esac

target="$cache/$os-$arch/$lib"
if [ ! -s "$target" ]; then
  if ! command -v "$npm" >/dev/null 2>&1; then
    echo "fetch-onnxruntime: npm ('$npm') is not installed, and it is needed once to download onnxruntime-node@$version" >&2
    echo "  (the package that carries the official ONNX Runtime native library)." >&2
    echo "  Install Node.js/npm (e.g. 'apt-get install npm'), or set TRPOEDGE_ORT_LIB to an existing $lib." >&2
    exit 3
  fi
  mkdir -p "$cache"
  tarball="$cache/onnxruntime-node-$version.tgz"
  if [ ! -s "$tarball" ]; then
    tmp=$(mktemp -d "$cache/pack.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    echo "fetch-onnxruntime: downloading onnxruntime-node@$version (about 100 MB, once)..." >&2
    # --ignore-scripts is belt and braces: pack never runs lifecycle scripts of the packed package.
    (cd "$tmp" && "$npm" pack "onnxruntime-node@$version" --ignore-scripts --silent >/dev/null)
    mv "$tmp"/onnxruntime-node-$version.tgz "$tarball"
  fi
  member="package/bin/napi-v6/$os/$arch/$lib"
  ex=$(mktemp -d "$cache/extract.XXXXXX")
  if ! tar -xzf "$tarball" -C "$ex" "$member"; then
    rm -rf "$ex"
    echo "fetch-onnxruntime: $member is not in $tarball; this OS/architecture has no prebuilt library there." >&2
    exit 4
  fi
  mkdir -p "$cache/$os-$arch"
  # Atomic rename so a concurrent build never sees a half-written library.
  mv "$ex/$member" "$target.tmp.$$" && mv -f "$target.tmp.$$" "$target"
  rm -rf "$ex"
fi

if [ $# -ge 1 ]; then
  mkdir -p "$1"
  cp -f "$target" "$1/$lib.tmp.$$" && mv -f "$1/$lib.tmp.$$" "$1/$lib"
fi
echo "$target"
