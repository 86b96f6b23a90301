#!/usr/bin/env bash
# Learning acceptance (issue 3): trains each environment with its shipped config for several seeds through the
# real `trainer train` CLI and prints, per run, the step at which the deterministic evaluation (confirmed over 100
# episodes) first reached the threshold and the final 100-episode return. Long: minutes per environment.
#   bash bench/learning.sh [ENV ...]      default: Pendulum-v1 CartPole-v1 Acrobot-v1 MountainCarContinuous-v0
set -euo pipefail
cd "$(dirname "$0")/.."
envs=("$@"); [ ${#envs[@]} -gt 0 ] || envs=(Pendulum-v1 CartPole-v1 Acrobot-v1 MountainCarContinuous-v0)
seeds=${SEEDS:-"0 1 2"}
dotnet build trainer/cli -c Release -v q -clp:ErrorsOnly --nologo >/dev/null
out=${OUT:-runs/learning}
mkdir -p "$out"
printf '%-26s %5s %12s %14s %20s %9s\n' environment seed threshold "first reached" "final (100 ep.)" "wall s"
for env in "${envs[@]}"; do
  for seed in $seeds; do
    name=$(basename "${env%.yaml}")   # a rig file's path is not a folder name
    log="$out/$name-seed$seed.log"
    start=$(date +%s.%N)
    dotnet trainer/cli/bin/Release/net10.0/trainer.dll train --env "$env" --seed "$seed" --out "$out/$name-seed$seed" --no-export --set video_every=0 >"$log" 2>&1 || { echo "$env seed $seed failed, see $log"; continue; }
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    final=$(grep -o 'deterministic return ([0-9]* episodes) *│ *[-0-9.]* ± [0-9.]*' "$log" | sed 's/.*│ *//')
    crossed=$(grep -o 'first reached [-0-9.]* *│ *[^│]*' "$log" | sed 's/.*│ *//; s/ *$//')
    threshold=$(grep -o 'first reached [-0-9.]*' "$log" | awk '{print $3}')
    printf '%-26s %5s %12s %14s %20s %9.1f\n' "$env" "$seed" "${threshold:-—}" "${crossed:-—}" "$final" "$wall"
  done
done
