#!/usr/bin/env bash
# Packs `bench gpu` for a machine with an NVIDIA GPU and no .NET: a self-contained linux-x64 publish of the bench
# (the .NET runtime included; ILGPU reaches CUDA through the driver's libcuda.so, nothing else is needed), as one
# .tar.gz that must stay under 64 MiB. Usage: bash scripts/pack-gpu-bench.sh [OUT.tar.gz]
# On the GPU machine: tar xzf gpu-bench.tar.gz && ./gpu-bench/bench gpu --device cuda:0
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/gpu-bench.tar.gz}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish bench/TrpoEdge.Bench.csproj -c Release -r linux-x64 --self-contained true \
  -p:DebugType=none -p:GenerateDocumentationFile=false -o "$stage/gpu-bench" --nologo -v q
# Only linux-x64 natives are needed on the lent machine.
find "$stage/gpu-bench" -path '*/runtimes/*' ! -path '*/runtimes/linux-x64*' -delete 2>/dev/null || true
# `bench gpu` loads neither ONNX Runtime nor BenchmarkDotNet's disassembler: leaving them out keeps the pack far from
# the limit (54 MiB with them, most of it libonnxruntime.so).
rm -f "$stage"/gpu-bench/libonnxruntime.so* "$stage"/gpu-bench/libcapstone.so
find "$stage/gpu-bench" -type d -empty -delete
mkdir -p "$(dirname "$out")"
tar -C "$stage" -czf "$out" gpu-bench
bytes=$(stat -c %s "$out")
limit=$((64 * 1024 * 1024))
echo "$out: $((bytes / 1024 / 1024)) MiB ($bytes bytes, limit $limit)"
if [ "$bytes" -ge "$limit" ]; then echo "too large for a lent machine (64 MiB per call)" >&2; exit 1; fi
