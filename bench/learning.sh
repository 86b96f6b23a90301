#!/usr/bin/env bash
# Learning benchmark: trains each environment with its shipped config (plus any SET overrides) for seeds 0–9 through
# the real `trainer train` CLI, evaluates the deterministic policy over 100 episodes every ≤ 4,096 environment steps,
# stops a run at the first evaluation that reaches the threshold, and prints per seed the step and wall time of that
# crossing, then the median and the worst over the seeds. Long: minutes per environment.
#   bash bench/learning.sh [ENV ...]      default: Pendulum-v1 CartPole-v1
#   SEEDS="0 1 2"                          seeds (default 0–9)
#   SET="gamma=0.9 n_envs=2"               extra `--set` overrides, applied after the config file
#   EVAL_STEPS=4096                        evaluate at least this often, in environment steps (default 4,096; 51,200
#                                          for the MuJoCo ids, whose 100 evaluation episodes are up to 100,000 steps)
#   OUT=runs/learning                      where run directories and logs go
# Wall time is the whole CLI process (start-up, collection, updates and the 100-episode evaluations) until it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
envs=("$@"); [ ${#envs[@]} -gt 0 ] || envs=(Pendulum-v1 CartPole-v1)
seeds=${SEEDS:-"0 1 2 3 4 5 6 7 8 9"}
read -r -a given <<<"${SET:-}"
# A key given twice keeps its last value (`--set` refuses duplicates), so SET can extend a base list.
overrides=(); declare -A seen=()
for ((i = ${#given[@]} - 1; i >= 0; i--)); do
  key=${given[i]%%=*}; [ -n "${seen[$key]:-}" ] && continue; seen[$key]=1; overrides=("${given[i]}" "${overrides[@]}")
done
out=${OUT:-runs/learning}
# A failed build says why (two copies building the same projects at once can collide; start them apart).
build_log=$(dotnet build trainer/cli -c Release -v q -clp:ErrorsOnly --nologo 2>&1) || { echo "$build_log"; echo "learning.sh: the trainer did not build" >&2; exit 1; }
mkdir -p "$out"

threshold_of() {
  case "$1" in
    Pendulum-v1) echo -200 ;; CartPole-v1) echo 500 ;; Acrobot-v1) echo -100 ;; MountainCarContinuous-v0) echo 90 ;;
    Hopper-v4) echo 3000 ;; HalfCheetah-v4) echo 4000 ;;
    # Box2D (needs libbox2d-dev at build time): the goals set for these ports. A 100-episode LunarLander evaluation is
    # 20-100k steps, so EVAL_STEPS=20480 keeps the evaluations from dominating the run.
    LunarLanderContinuous-v2) echo 250 ;; LunarLander-v2) echo 200 ;; BipedalWalker-v3) echo 250 ;;
    *) echo "no threshold is known for $1 (a rig has none): train it with trainer train and read the final return" >&2; exit 2 ;;
  esac
}

# A setting's value: the last SET override for it, else the environment's section of its config file.
setting() {
  local env=$1 key=$2 value="" kv
  value=$(awk -v env="$env:" -v key="$key:" '$1 == env {on=1; next} /^[^ #]/ {on=0} on && $1 == key {print $2}' "trainer/configs/$env.yml")
  for kv in "${overrides[@]}"; do [ "${kv%%=*}" = "$key" ] && value=${kv#*=}; done
  echo "$value"
}

printf '%-14s %4s %9s %18s %10s %10s\n' environment seed threshold "steps to threshold" "wall s" "budget"
for env in "${envs[@]}"; do
  threshold=$(threshold_of "$env")
  case "$env" in Hopper-v4|HalfCheetah-v4) eval_steps=${EVAL_STEPS:-51200} ;; LunarLander*|BipedalWalker*) eval_steps=${EVAL_STEPS:-20480} ;; *) eval_steps=${EVAL_STEPS:-4096} ;; esac
  batch=$(( $(setting "$env" n_envs) * $(setting "$env" n_steps) ))
  every=$(( eval_steps / batch )); [ "$every" -ge 1 ] || every=1
  budget=$(setting "$env" n_timesteps); budget=${budget%.*}
  steps_list=(); walls=(); missed=0
  for seed in $seeds; do
    name=$(basename "${env%.yaml}")   # a rig file's path is not a folder name
    log="$out/$name-seed$seed.log"
    start=$(date +%s.%N)
    # --threshold: the summary's "first reached" row, which is parsed below, must name this goal's threshold, not the
    # environment's default one (300 for BipedalWalker, 200 for the landers).
    dotnet trainer/cli/bin/Release/net10.0/trainer.dll train --env "$env" --seed "$seed" --out "$out/$name-seed$seed" --no-export \
      --set video_every=0 --set checkpoint_every=0 --set eval_every="$every" --set eval_episodes=100 --set stop_at_return="$threshold" --threshold "$threshold" \
      $(for kv in "${overrides[@]}"; do printf -- '--set %s ' "$kv"; done) >"$log" 2>&1 || { echo "$env seed $seed failed, see $log"; exit 1; }
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    crossed=$(grep -o 'first reached [-0-9.]* *│ *at [0-9,]* steps' "$log" | grep -o 'at [0-9,]*' | tr -d 'at ,' || true)
    if [ -n "$crossed" ]; then steps_list+=("$crossed"); walls+=("$wall"); shown=$crossed
    else missed=$((missed + 1)); shown="> $budget"; fi
    printf '%-14s %4s %9s %18s %10.1f %10s\n' "$env" "$seed" "$threshold" "$shown" "$wall" "$budget"
  done
  n=$(( ${#steps_list[@]} + missed ))
  # Seeds that never reached the threshold count as worse than any that did (budget + 1) for the median.
  all=("${steps_list[@]}"); for ((i = 0; i < missed; i++)); do all+=($((budget + 1))); done
  median=$(printf '%s\n' "${all[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; print m}')
  worst=$(printf '%s\n' "${all[@]}" | sort -n | tail -1)
  [ "$missed" -gt 0 ] && worst="> $budget ($missed of $n not reached)"
  [ "${median%.*}" -gt "$budget" ] && median="> $budget"
  wall_median=$( [ ${#walls[@]} -gt 0 ] && printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}' || echo —)
  wall_worst=$( [ ${#walls[@]} -gt 0 ] && printf '%s\n' "${walls[@]}" | sort -n | awk 'END {printf "%.1f", $1}' || echo —)
  echo "$env over $n seeds (evaluation every $every updates = $((every * batch)) steps${SET:+, --set $SET}): median $median steps, worst $worst; wall time to threshold median $wall_median s, worst $wall_worst s"
done
