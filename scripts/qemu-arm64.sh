#!/usr/bin/env bash
# Runs a linux-arm64 program on an x64 Linux machine under qemu-user, as the tests and `bench edge` do.
#   scripts/qemu-arm64.sh PROGRAM [ARGS...]
# Needs qemu-user-static and Debian's arm64 libraries (dpkg --add-architecture arm64; libc6:arm64 libstdc++6:arm64
# libgcc-s1:arm64 zlib1g:arm64 libssl3:arm64). binfmt_misc is not needed: qemu is called directly.
#
# qemu-user shows the program the host's /proc/cpuinfo, an x86 one; ONNX Runtime's CPU detection (cpuinfo) reads it
# as an ARM one and dereferences NULL. qemu resolves absolute paths inside QEMU_LD_PREFIX first, so a prefix that
# holds only an ARM proc/cpuinfo (two Cortex-A72 cores, like a Raspberry Pi 4) fixes that, and every other path falls
# through to the real file system. A test-rig artefact: a real ARM board has its own /proc/cpuinfo.
set -euo pipefail
if [ $# -lt 1 ]; then echo "usage: qemu-arm64.sh PROGRAM [ARGS...]" >&2; exit 2; fi
command -v qemu-aarch64-static >/dev/null || { echo "qemu-arm64: qemu-aarch64-static is missing: apt-get install qemu-user-static" >&2; exit 3; }
[ -e /lib/ld-linux-aarch64.so.1 ] || { echo "qemu-arm64: the arm64 C library is missing: dpkg --add-architecture arm64 && apt-get update && apt-get install libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64 libssl3:arm64" >&2; exit 3; }
root="${TMPDIR:-/tmp}/trpoedge-qemu-arm64-$(id -u)"
if [ ! -s "$root/proc/cpuinfo" ]; then
  mkdir -p "$root/proc"
  tmp="$(mktemp "$root/proc/.cpuinfo.XXXXXX")"
  for n in 0 1; do
    printf 'processor\t: %s\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n' "$n"
  done >"$tmp"
  mv "$tmp" "$root/proc/cpuinfo"
fi
QEMU_LD_PREFIX="$root" exec qemu-aarch64-static "$@"
