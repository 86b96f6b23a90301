#!/usr/bin/env bash
# Makes LibTorchSharp load on Linux systems whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12 and older).
# Usage: patch-libtorchsharp.sh OUTPUT_DIR. Runs after every build of a project that copies the TorchSharp natives
# (the build restores the original library each time). Changes nothing where the system libstdc++ is new enough,
# off Linux, or where the library is already patched. Needs g++ and patchelf (Debian packages g++ and patchelf).
set -euo pipefail
out=${1:?usage: patch-libtorchsharp.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(uname -s)" = Linux ] || exit 0
lib="$out/runtimes/linux-x64/native/libLibTorchSharp.so"
[ -f "$lib" ] || exit 0

stdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
[ -n "$stdcxx" ] || stdcxx=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
if grep -q GLIBCXX_3.4.32 "$stdcxx" 2>/dev/null; then exit 0; fi   # new enough: nothing to do

shim="$out/runtimes/linux-x64/native/libtrpoedge_glibcxx_shim.so"
if readelf -d "$lib" 2>/dev/null | grep -q libtrpoedge_glibcxx_shim.so && [ -f "$shim" ]; then exit 0; fi

missing=()
command -v g++ >/dev/null || missing+=(g++)
command -v patchelf >/dev/null || missing+=(patchelf)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "patch-libtorchsharp.sh: warning: $stdcxx lacks GLIBCXX_3.4.32, so LibTorchSharp will not load; install ${missing[*]} (apt-get install ${missing[*]}) and rebuild." >&2
  exit 0
fi

g++ -shared -fPIC -O2 -o "$shim" "$here/glibcxx_shim.cpp"
tmp="$lib.patching"
cp "$lib" "$tmp"
patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$tmp"
patchelf --add-needed libtrpoedge_glibcxx_shim.so "$tmp"   # found through the library's RUNPATH $ORIGIN
python3 "$here/mark_weak_version.py" "$tmp" GLIBCXX_3.4.32
mv "$tmp" "$lib"
echo "patch-libtorchsharp.sh: patched $lib for $stdcxx (no GLIBCXX_3.4.32)"
