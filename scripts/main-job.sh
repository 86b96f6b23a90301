#!/usr/bin/env bash
# The main job: the whole sim-to-real loop on the simulator, with the real programs.
#   1. trainer train     — TRPO on the nominal direct-drive rig (Pendulum-v1 physics + DC motor)
#   2. exporter --verify — policy.onnx, checked against the checkpoint by ONNX Runtime
#   3. runtime           — the exported policy on a *perturbed* plant (heavier pendulum, weaker motor, one
#                          period of actuation delay): deterministic evaluation ("before")
#   4. field rounds      — runtime --explore --log field.db, then trainer retrain --from field.db --identify (fits the
#                          rig's dynamics to every field log so far and simulates the identified plant, inside the
#                          behaviour trust region --behaviour-kl of this round's data), then export, then the same
#                          deterministic evaluation
#   5. oracle            — the yardstick: trainer train --resume from the same checkpoint, on-policy in simulation on a
#                          rig file with exactly the perturbed parameters, ORACLE_STEPS more steps (its plateau)
# and prints a table with the share of the before→oracle gap each policy recovered, paired over the same evaluation
# seeds. Everything lands in runs/main-job/. Settings via environment variables:
#   TRAIN_STEPS (300000) FIELD_EPISODES ("2 2 2 2 2 2 2 2 2 2 2 2 25 25 25": one count per round, 200 steps an episode —
#   twelve rounds of two episodes (4,800 steps: each round may move the policy by the behaviour bound, so many small
#   rounds go further than a few large ones once a simulator carries the gradient) then three of 5,000, 19,800 in all;
#   a single number N with ROUNDS (4) gives ROUNDS rounds of N) EVAL_EPISODES (50) SEED (0) FIELD_SEED (SEED: seeds
#   only the field rounds' exploration, so other field runs of the same simulation-trained policy can be compared)
#   BEHAVIOUR_KL (0.2) IDENTIFY (1: retrain with --identify --freeze-log-std; 0: from the field data alone — then
#   FIELD_EPISODES="8 8 8 25 25 25" suits it better)
#   RETRAIN_ARGS ("": more `trainer retrain` options, e.g. --sim-steps 4000) ORACLE_STEPS (600000; 0 skips the oracle)
#   OUT (runs/main-job) REUSE (0; 1: keep the simulation-trained policy, its evaluation and the oracle already in OUT
#   from an earlier run with the same TRAIN_STEPS/SEED/PERTURB/ORACLE_STEPS, and rerun only the field rounds — for
#   comparing field schedules and retrain options on the same policy and evaluation seeds)
#   PERTURB ("pendulum.mass=1.4 motor.torque_constant=0.08 delay_steps=1": 40 % heavier, a 20 % weaker motor and one
#   period of actuation delay — a plant the simulation-trained policy clearly struggles on, so there is room to learn)
set -euo pipefail
cd "$(dirname "$0")/.."
TRAIN_STEPS=${TRAIN_STEPS:-300000}
ROUNDS=${ROUNDS:-4}
FIELD_EPISODES=${FIELD_EPISODES:-"2 2 2 2 2 2 2 2 2 2 2 2 25 25 25"}
BEHAVIOUR_KL=${BEHAVIOUR_KL:-0.2}
RETRAIN_ARGS=${RETRAIN_ARGS:-}
IDENTIFY=${IDENTIFY:-1}
read -r -a round_episodes <<<"$FIELD_EPISODES"
if [ "${#round_episodes[@]}" -gt 1 ]; then ROUNDS=${#round_episodes[@]}; fi
episodes_of() { if [ "${#round_episodes[@]}" -gt 1 ]; then echo "${round_episodes[$(($1 - 1))]}"; else echo "$FIELD_EPISODES"; fi; }
ORACLE_STEPS=${ORACLE_STEPS:-600000}
EVAL_EPISODES=${EVAL_EPISODES:-50}
SEED=${SEED:-0}
FIELD_SEED=${FIELD_SEED:-$SEED}
OUT=${OUT:-runs/main-job}
REUSE=${REUSE:-0}
RIG=hardware/rigs/direct-drive.yaml
PERTURB=${PERTURB:-"pendulum.mass=1.4 motor.torque_constant=0.08 delay_steps=1"}
perturb_args=(); for p in $PERTURB; do perturb_args+=(--perturb "$p"); done

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

step "Building (Release)"
for program in trainer exporter runtime; do dotnet build "$program/cli" -c Release -v q -clp:ErrorsOnly --nologo; done
dotnet build hardware/emulator -c Release -v q -clp:ErrorsOnly --nologo # rig-emulator, for `runtime --port` against a virtual rig
bin() { echo "dotnet $1/cli/bin/Release/net10.0/$1.dll"; }
TRAINER=$(bin trainer); EXPORTER=$(bin exporter); RUNTIME=$(bin runtime)
if [ "$REUSE" = 1 ]; then
  for f in sim/ckpt.safetensors sim/policy.onnx before.json nominal.json $([ "$ORACLE_STEPS" -gt 0 ] && echo oracle.json); do
    [ -f "$OUT/$f" ] || { echo "main-job: REUSE=1 needs $OUT/$f from an earlier full run; run once without REUSE"; exit 2; }
  done
  rm -rf "$OUT"/field-* "$OUT"/retrain-* "$OUT"/after*
else
  rm -rf "$OUT"; mkdir -p "$OUT"
fi

if [ "$REUSE" != 1 ]; then
step "1. Training on the nominal rig ($TRAIN_STEPS steps)"
$TRAINER train --env "$RIG" --seed "$SEED" --total-steps "$TRAIN_STEPS" --out "$OUT/sim" --no-export

step "2. Exporting and verifying with ONNX Runtime"
$EXPORTER --onnx "$OUT/sim/policy.onnx" --checkpoint "$OUT/sim/ckpt.safetensors" --verify --force
fi

evaluate() { # model json label
  $RUNTIME --model "$1" --rig "$RIG" "${perturb_args[@]}" --episodes "$EVAL_EPISODES" --seed 100000 --summary-json "$2" >"${2%.json}.log" 2>&1 \
    || { echo "runtime failed for $3; see ${2%.json}.log"; tail -20 "${2%.json}.log"; exit 1; }
  echo "$3: $(json_field "$2" return_mean) ± $(json_field "$2" return_std) over $EVAL_EPISODES episodes"
}
json_field() { sed -n "s/.*\"$2\": *\([-0-9.eE+]*\).*/\1/p" "$1" | head -1 | awk '{ printf($0 ~ /[.eE]/ ? "%.1f" : "%d", $0) }'; }

step "3. Simulation-trained policy on the perturbed plant ($PERTURB)"
if [ "$REUSE" = 1 ]; then echo "before retraining: $(json_field "$OUT/before.json" return_mean) ± $(json_field "$OUT/before.json" return_std) (REUSE=1: from the earlier run)"
else
evaluate "$OUT/sim/policy.onnx" "$OUT/before.json" "before retraining"
$RUNTIME --model "$OUT/sim/policy.onnx" --rig "$RIG" --episodes "$EVAL_EPISODES" --seed 100000 --summary-json "$OUT/nominal.json" >"$OUT/nominal.log" 2>&1
fi
echo "(same policy on the nominal rig: $(json_field "$OUT/nominal.json" return_mean) ± $(json_field "$OUT/nominal.json" return_std))"

ckpt="$OUT/sim"
field_steps=0
rows=("trained in simulation|0|$OUT/before.json")
for round in $(seq 1 "$ROUNDS"); do
  step "4.$round Field round $round: explore on the perturbed plant, log, retrain, export, evaluate"
  episodes=$(episodes_of "$round"); field_episodes=$((${field_episodes:-0} + episodes))
  $RUNTIME --model "$ckpt/policy.onnx" --rig "$RIG" "${perturb_args[@]}" --episodes "$episodes" --explore \
    --seed $((FIELD_SEED * 1000 + round * 10000)) --log "$OUT/field-$round.db" --summary-json "$OUT/field-$round.json" >"$OUT/field-$round.log" 2>&1
  echo "explored $episodes episodes: return $(json_field "$OUT/field-$round.json" return_mean) (stochastic policy)"
  field_steps=$((field_steps + $(json_field "$OUT/field-$round.json" steps)))
  # Exit 3: no update was accepted, the policy is unchanged and no checkpoint was written; keep the current one.
  code=0
  # With IDENTIFY=1 every round fits the rig to all field logs so far (the dynamics do not depend on which policy acted)
  # and simulates the identified plant inside the behaviour trust region of this round's data; log σ stays as trained,
  # so the whole bound moves the deterministic action (the one evaluated and deployed).
  identify_args=()
  if [ "$IDENTIFY" = 1 ]; then
    identify_args=(--identify --freeze-log-std)
    for earlier in $(seq 1 $((round - 1))); do identify_args+=(--identify-from "$OUT/field-$earlier.db"); done
  fi
  $TRAINER retrain --checkpoint "$ckpt/ckpt.safetensors" --from "$OUT/field-$round.db" --out "$OUT/retrain-$round" --seed "$round" \
    --updates 30 --behaviour-kl "$BEHAVIOUR_KL" "${identify_args[@]}" $RETRAIN_ARGS --no-export >"$OUT/retrain-$round.log" 2>&1 || code=$?
  if [ "$code" = 0 ]; then
    grep -E "updates|behaviour KL|torque per command|actuation delay" "$OUT/retrain-$round.log" | tr -s ' ' || true
    $EXPORTER --onnx "$OUT/retrain-$round/policy.onnx" --checkpoint "$OUT/retrain-$round/ckpt.safetensors" --verify --force >"$OUT/retrain-$round/export.log"
    ckpt="$OUT/retrain-$round"
  elif [ "$code" = 3 ]; then
    echo "no update accepted in round $round; the policy stays as it was"
  else
    cat "$OUT/retrain-$round.log"; exit 1
  fi
  evaluate "$ckpt/policy.onnx" "$OUT/after-$round.json" "after round $round ($field_steps field steps)"
  rows+=("retrained, $field_steps field steps|$field_steps|$OUT/after-$round.json")
done
cp "$OUT/after-$ROUNDS.json" "$OUT/after.json"

if [ "$ORACLE_STEPS" -gt 0 ] && [ "$REUSE" = 1 ]; then
  echo "oracle: $(json_field "$OUT/oracle.json" return_mean) (REUSE=1: from the earlier run)"
  rows+=("oracle: sim on the perturbed plant, +$ORACLE_STEPS steps|0|$OUT/oracle.json")
elif [ "$ORACLE_STEPS" -gt 0 ]; then
  step "5. Oracle: on-policy training in simulation on exactly the perturbed plant (+$ORACLE_STEPS steps)"
  # A rig file with the perturbation written in (same rig name, so --resume accepts it).
  awk -v perturb="$PERTURB" '
    BEGIN { n = split(perturb, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); want[p[1]] = p[2] } }
    /^[A-Za-z_]+:/ { section = $1; sub(":", "", section) }
    {
      if (match($0, /^[A-Za-z_]+:/)) key = section; else if (match($0, /^  [A-Za-z_]+:/)) { k = $1; sub(":", "", k); key = section "." k } else key = ""
      if (key in want) { sub(/:[ ]*[^ #]+/, ": " want[key]); done[key] = 1 }
      print
    }
    END { for (k in want) if (!(k in done)) { print "main-job: cannot write " k " into the rig file" > "/dev/stderr"; exit 1 } }
  ' "$RIG" >"$OUT/perturbed-rig.yaml"
  $TRAINER train --env "$OUT/perturbed-rig.yaml" --resume "$OUT/sim/ckpt.safetensors" --seed "$SEED" --total-steps $((TRAIN_STEPS + ORACLE_STEPS)) \
    --set eval_every=0 --set final_eval_episodes=1 --set video_every=0 --out "$OUT/oracle" --no-export >"$OUT/oracle.log" 2>&1 || { tail -20 "$OUT/oracle.log"; exit 1; }
  $EXPORTER --onnx "$OUT/oracle/policy.onnx" --checkpoint "$OUT/oracle/ckpt.safetensors" --verify --force >"$OUT/oracle/export.log"
  evaluate "$OUT/oracle/policy.onnx" "$OUT/oracle.json" "oracle"
  rows+=("oracle: sim on the perturbed plant, +$ORACLE_STEPS steps|0|$OUT/oracle.json")
fi

step "Before / after on the perturbed plant ($PERTURB)"
returns() { tr -d '\n ' <"$1" | sed -n 's/.*"returns":\[\([^]]*\)\].*/\1/p' | tr ',' '\n'; }
# Same seeds for every row, so per-episode differences to "before" give paired standard errors, and the gap to the
# oracle is measured on the same episodes.
{
  for row in "${rows[@]}"; do IFS='|' read -r label steps file <<<"$row"; printf '%s\t%s\t' "$label" "$steps"; returns "$file" | paste -sd, -; done
} | awk -F'\t' -v oracle=$([ "$ORACLE_STEPS" -gt 0 ] && echo 1 || echo 0) -v eps="$field_episodes" -v fsteps="$field_steps" '
  { label[NR] = $1; fs[NR] = $2; n = split($3, v, ","); for (i = 1; i <= n; i++) r[NR, i] = v[i]; count = n; rows = NR }
  END {
    for (k = 1; k <= rows; k++) { s = 0; for (i = 1; i <= count; i++) s += r[k, i]; m[k] = s / count
      ss = 0; for (i = 1; i <= count; i++) ss += (r[k, i] - m[k]) ^ 2; sd[k] = sqrt(ss / count) }
    gap = oracle ? m[rows] - m[1] : 0
    printf "%-50s %20s %18s %17s\n", "policy", "return (mean ± std)", "vs before", "share of the gap"
    for (k = 1; k <= rows; k++) {
      d = 0; vd = 0; for (i = 1; i <= count; i++) d += r[k, i] - r[1, i]; d /= count
      for (i = 1; i <= count; i++) vd += (r[k, i] - r[1, i] - d) ^ 2; se = count > 1 ? sqrt(vd / (count - 1) / count) : 0; sek[k] = se
      share = gap != 0 ? sprintf("%.1f %% ± %.1f", 100 * d / gap, 100 * se / gap) : "-"
      printf "%-50s %20s %18s %17s\n", label[k], sprintf("%.1f ± %.1f", m[k], sd[k]), k == 1 ? "" : sprintf("%+.1f (SE %.1f)", d, se), k == 1 ? "0 %" : share
    }
    last = oracle ? rows - 1 : rows
    # The goal is stated at 5,000 field steps too: the last round within them.
    early = 0; for (k = 2; k <= last; k++) if (fs[k] <= 5000) early = k
    if (oracle && gap > 0 && early > 0 && early < last) printf "recovered %.1f %% of the gap (paired standard error %.1f %%) from %d field steps\n", 100 * (m[early] - m[1]) / gap, 100 * sek[early] / gap, fs[early]
    if (oracle && gap > 0) printf "recovered %.1f %% of the gap (paired standard error %.1f %%) from %d field steps in %d episodes\n", 100 * (m[last] - m[1]) / gap, 100 * sek[last] / gap, fsteps, eps
    else printf "field data used: %d steps in %d episodes (no oracle row: ORACLE_STEPS=0)\n", fsteps, eps
    worst = 1e300; for (k = 2; k <= last; k++) for (i = 1; i <= count; i++) if (r[k, i] - r[1, i] < worst) { worst = r[k, i] - r[1, i]; wk = k; wi = i }
    if (last >= 2) printf "worst evaluation seed against before: %+.1f (episode %d after %s; that row'"'"'s paired SE %.1f)\n", worst, wi, label[wk], sek[wk]
  }'
echo "everything is in $OUT/"
