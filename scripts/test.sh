#!/usr/bin/env bash
# The README's test command, and what CI runs (.ci/run calls it).
# Installs what the tests need on a fresh Debian machine (only what is missing), restores,
# builds in Release, runs every test project, and ends with one line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests talk to for real: a pty pair (socat), an MQTT broker (the clients are managed: MQTTnet),
# the ONNX checker, OpenBLAS (the GEMM baseline), the AVR toolchain for the firmware, ffmpeg for the evaluation
# videos (about 52 MB of packages; the video tests skip, saying why, where it is missing), and Wine (64-bit) with gcc
# to run the Windows build of `runtime --port COM3` (about 105 MB more, ~20 s to install).
APT_PACKAGES=(socat mosquitto python3-onnx python3-numpy libopenblas0 gcc-avr avr-libc binutils-avr simavr libsimavr-dev ffmpeg wine wine64 gcc libc6-dev)
# MuJoCo 2.2.2 for Hopper-v4 and HalfCheetah-v4 (the library, and its headers for the test that checks the compiled-in
# struct offsets with gcc; about 1 MB of packages with libccd2, liblodepng0 and libqhull-r8.0).
APT_PACKAGES+=(libmujoco2.2.2 libmujoco-dev)
# The Box2D environments: Box2D 2.4 (C++) and g++, with which sim's build compiles the C shim libtrpoedge_box2d.so
# (0.15 MB of packages, and about 12 MB for g++ where it is missing).
APT_PACKAGES+=(libbox2d-dev g++)
# The TorchSharp engine's native library needs GLIBCXX_3.4.32; where libstdc++ is older (Debian 12) its build
# compiles a small shim and patches the library, which takes g++ and patchelf (trainer/torch/native).
if [ "$(uname -s)" = Linux ] && ! grep -q GLIBCXX_3.4.32 "$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')" 2>/dev/null; then
  APT_PACKAGES+=(g++ patchelf)
fi
# The edge tests cross-build the runtime as a linux-arm64 NativeAOT binary (clang, lld, llvm-objcopy, the aarch64
# cross linker and C library) and run it under qemu-user with Debian's arm64 libraries (about 160 MB of packages).
EDGE_PACKAGES=(clang lld llvm qemu-user-static gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
  libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64 libssl3:arm64)
APT_PACKAGES+=("${EDGE_PACKAGES[@]}")
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing missing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if [[ " ${missing[*]}" == *":arm64"* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet restore TrpoEdge.sln --nologo -v q
dotnet build TrpoEdge.sln -c Release --no-restore --nologo -v q -clp:ErrorsOnly
# The TorchSharp engine and its oracle tests are outside the solution (LibTorch is 0.6 GB): built here for the tests.
dotnet build tests/Trainer.Torch.Tests/TrpoEdge.Trainer.Torch.Tests.csproj -c Release --nologo -v q -clp:ErrorsOnly

passed=0; failed=0; skipped=0; status=0
results=$(mktemp -d)
for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  log="$results/$name.log"
  # The TRX file carries exact counters whatever the console verbosity prints.
  if ! dotnet test "$proj" -c Release --no-build --nologo -v q --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" >"$log" 2>&1; then
    status=1
    grep -E -A4 "^\s+Failed |Error Message" "$log" | head -60 || true
  fi
  trx="$results/$name.trx"
  counters=$(grep -o '<Counters [^>]*>' "$trx" 2>/dev/null || true)
  if [ -z "$counters" ]; then
    echo "   no test results from $name (build or test host failure):"; tail -20 "$log"; status=1; failed=$((failed+1)); continue
  fi
  count() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/" <<<"$counters"; }
  p=$(count passed); s=$(count notExecuted)
  # A test host that dies mid-run leaves total > executed: every test that did not run counts as failed.
  f=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) + $(count total) - $(count executed) - s ))
  [ "$f" -lt 0 ] && f=0
  echo "   $p passed, $f failed, $s skipped"
  if [ "$f" -gt 0 ] || grep -q 'ResultSummary outcome="\(Aborted\|Error\)"' "$trx"; then
    status=1; echo "   --- last lines of $name's output:"; tail -40 "$log" | sed 's/^/   | /'
  fi
  passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
done
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
