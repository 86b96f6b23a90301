#!/usr/bin/env bash
# End-to-end training throughput of the shipped configs (`bench train`: collection plus updates, no evaluation),
# optionally against another build of this repository in the same run, so a shared or busy machine loads both alike.
#   bash bench/throughput.sh [ENV ...]              default: Pendulum-v1 CartPole-v1
#   BASELINE=/path/to/other/checkout               also run that checkout's bench (built there first), alternating
#   ROUNDS=3                                        alternations per environment (the median is reported)
#   UPDATES=40                                      updates per measurement (the first few are skipped as warm-up)
# Prints each measurement, then per environment the median steps/s of each build, their ratio, and the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
envs=("$@"); [ ${#envs[@]} -gt 0 ] || envs=(Pendulum-v1 CartPole-v1)
rounds=${ROUNDS:-3}
updates=${UPDATES:-40}
build() { dotnet build "$1/bench/TrpoEdge.Bench.csproj" -c Release -v q -clp:ErrorsOnly --nologo >/dev/null; }
build .
[ -n "${BASELINE:-}" ] && build "$BASELINE"
# One measurement: the steps/s figure `bench train` prints, run from the checkout's root (it reads its own configs).
measure() { (cd "$1" && dotnet bench/bin/Release/net10.0/bench.dll train "$2" "$updates") | awk '/training end-to-end/ {gsub(",", "", $3); print $3}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for env in "${envs[@]}"; do
  this=(); base=(); loads=()
  for ((r = 1; r <= rounds; r++)); do
    loads+=("$(cut -d' ' -f1 /proc/loadavg)")
    this+=("$(measure . "$env")"); echo "$env round $r: this build ${this[-1]} steps/s"
    if [ -n "${BASELINE:-}" ]; then base+=("$(measure "$BASELINE" "$env")"); echo "$env round $r: baseline  ${base[-1]} steps/s"; fi
  done
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
  m=$(printf '%s\n' "${this[@]}" | median)
  line="$env: this build median $m steps/s over $rounds runs"
  if [ -n "${BASELINE:-}" ]; then
    b=$(printf '%s\n' "${base[@]}" | median)
    line="$line; baseline ($BASELINE) median $b steps/s; ratio $(echo "scale=2; $m / $b" | bc)"
  fi
  echo "$line; load average during the runs ${loads[*]}"
done
