#!/usr/bin/env bash
# Publishes `runtime` as a NativeAOT binary for an edge board: one folder (and a tarball of it) to copy over and start,
# no .NET installation needed there. The folder holds the binary, ONNX Runtime's and SQLite's native libraries for that
# platform, and nothing else (symbols and Windows dlls left out).
#
# Usage: scripts/publish-edge.sh linux-x64|linux-arm64 [OUT_DIR]     (default OUT_DIR: out/edge)
# Makes OUT_DIR/trpoedge-runtime-<rid>/, OUT_DIR/trpoedge-runtime-<rid>.tar.gz and the symbols OUT_DIR/trpoedge-runtime-<rid>.dbg
# (not shipped), and prints their sizes.
#
# Needs: the .NET 10 SDK and clang (Debian: clang). Building linux-arm64 on an x64 machine also needs the cross
# linker and C library: gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross (clang finds them by
# itself), and llvm (llvm-objcopy strips the arm64 binary; the host's GNU objcopy has no aarch64). The board needs glibc 2.36-era libc, libstdc++ and, for the model's
# SHA-256 and MQTT over TLS, OpenSSL 3 (libssl3): what Raspberry Pi OS / Debian 12 / Ubuntu 22.04+ carry.
set -euo pipefail
cd "$(dirname "$0")/.."

rid="${1:-}"
out="${2:-out/edge}"
case "$rid" in
  linux-x64|linux-arm64) ;;
  *) echo "publish-edge: give the target, linux-x64 or linux-arm64 (got '${rid}')." >&2; exit 2 ;;
esac

missing=()
command -v clang >/dev/null || missing+=(clang)
host="$(uname -m)"
if [ "$rid" = linux-arm64 ] && [ "$host" != aarch64 ]; then
  command -v aarch64-linux-gnu-ld >/dev/null || missing+=(binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu)
  [ -d /usr/aarch64-linux-gnu/lib ] || missing+=(libc6-dev-arm64-cross)
  command -v llvm-objcopy >/dev/null || missing+=(llvm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "publish-edge: missing build tools for $rid on $host: apt-get install ${missing[*]}" >&2
  exit 3
fi

name="trpoedge-runtime-$rid"
dest="$out/$name"
rm -rf "$dest" "$out/$name.tar.gz"
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# SerialSystemIOPorts=false: --port is the own termios port on Linux; System.IO.Ports (for Windows) stays out.
# StripSymbols: the binary ships without its symbols, which go to runtime.dbg.
dotnet publish runtime/cli/TrpoEdge.Runtime.Cli.csproj -c Release -r "$rid" -p:PublishAot=true \
  -p:SerialSystemIOPorts=false -p:StripSymbols=true -o "$dest" --nologo -v q -clp:ErrorsOnly
# The symbols stay beside the tarball, not in it: a board does not need them, but a trace from one (addresses, since
# the binary carries no stack-trace metadata) is turned back into names with `addr2line -f -C -e $name.dbg ADDRESS`.
rm -f "$out/$name.dbg"
[ -f "$dest/runtime.dbg" ] && mv "$dest/runtime.dbg" "$out/$name.dbg"
find "$dest" -name '*.dbg' -delete -o -name '*.pdb' -delete
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
echo "publish-edge: $dest ($(du -sh "$dest" | cut -f1); runtime $(du -h "$dest/runtime" | cut -f1) + native libraries), $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1)), symbols $out/$name.dbg"
