#!/usr/bin/env bash
# The main job: the whole sim-to-real loop on the simulator, with the real programs.
#   1. trainer train     — TRPO on the nominal direct-drive rig (Pendulum-v1 physics + DC motor)
#   2. exporter --verify — policy.onnx, checked against the checkpoint by ONNX Runtime
#   3. runtime           — the exported policy on a *perturbed* plant (heavier pendulum, weaker motor, one
#                          period of actuation delay): deterministic evaluation ("before")
#   4. field rounds      — runtime --explore --log field.db, then trainer retrain --from field.db, then export
#   5. runtime           — the retrained policy on the same perturbed plant and seeds ("after")
# and prints a before/after table. Everything lands in runs/main-job/. Settings via environment variables:
#   TRAIN_STEPS (300000) ROUNDS (6) FIELD_EPISODES (100) EVAL_EPISODES (50) SEED (0) OUT (runs/main-job)
#   PERTURB ("pendulum.mass=1.4 motor.torque_constant=0.08 delay_steps=1": 40 % heavier, a 20 % weaker motor and one
#   period of actuation delay — a plant the simulation-trained policy clearly struggles on, so there is room to learn)
set -euo pipefail
cd "$(dirname "$0")/.."
TRAIN_STEPS=${TRAIN_STEPS:-300000}
ROUNDS=${ROUNDS:-6}
FIELD_EPISODES=${FIELD_EPISODES:-100}
EVAL_EPISODES=${EVAL_EPISODES:-50}
SEED=${SEED:-0}
OUT=${OUT:-runs/main-job}
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
rm -rf "$OUT"; mkdir -p "$OUT"

step "1. Training on the nominal rig ($TRAIN_STEPS steps)"
$TRAINER train --env "$RIG" --seed "$SEED" --total-steps "$TRAIN_STEPS" --out "$OUT/sim" --no-export

step "2. Exporting and verifying with ONNX Runtime"
$EXPORTER --onnx "$OUT/sim/policy.onnx" --checkpoint "$OUT/sim/ckpt.safetensors" --verify --force

evaluate() { # model json label
  $RUNTIME --model "$1" --rig "$RIG" "${perturb_args[@]}" --episodes "$EVAL_EPISODES" --seed 100000 --summary-json "$2" >"${2%.json}.log" 2>&1 \
    || { echo "runtime failed for $3; see ${2%.json}.log"; tail -20 "${2%.json}.log"; exit 1; }
  echo "$3: $(json_field "$2" return_mean) ± $(json_field "$2" return_std) over $EVAL_EPISODES episodes"
}
json_field() { sed -n "s/.*\"$2\": *\([-0-9.eE+]*\).*/\1/p" "$1" | head -1 | awk '{ printf($0 ~ /[.eE]/ ? "%.1f" : "%d", $0) }'; }

step "3. Simulation-trained policy on the perturbed plant ($PERTURB)"
evaluate "$OUT/sim/policy.onnx" "$OUT/before.json" "before retraining"
$RUNTIME --model "$OUT/sim/policy.onnx" --rig "$RIG" --episodes "$EVAL_EPISODES" --seed 100000 --summary-json "$OUT/nominal.json" >"$OUT/nominal.log" 2>&1
echo "(same policy on the nominal rig: $(json_field "$OUT/nominal.json" return_mean) ± $(json_field "$OUT/nominal.json" return_std))"

ckpt="$OUT/sim"
field_steps=0
for round in $(seq 1 "$ROUNDS"); do
  step "4.$round Field round $round: explore on the perturbed plant, log, retrain, export"
  $RUNTIME --model "$ckpt/policy.onnx" --rig "$RIG" "${perturb_args[@]}" --episodes "$FIELD_EPISODES" --explore \
    --seed $((SEED * 1000 + round * 10000)) --log "$OUT/field-$round.db" --summary-json "$OUT/field-$round.json" >"$OUT/field-$round.log" 2>&1
  echo "explored $FIELD_EPISODES episodes: return $(json_field "$OUT/field-$round.json" return_mean) (stochastic policy)"
  field_steps=$((field_steps + $(json_field "$OUT/field-$round.json" steps)))
  $TRAINER retrain --checkpoint "$ckpt/ckpt.safetensors" --from "$OUT/field-$round.db" --out "$OUT/retrain-$round" --seed "$round" --no-export
  $EXPORTER --onnx "$OUT/retrain-$round/policy.onnx" --checkpoint "$OUT/retrain-$round/ckpt.safetensors" --verify --force >"$OUT/retrain-$round/export.log"
  ckpt="$OUT/retrain-$round"
done

step "5. Retrained policy on the same perturbed plant and seeds"
evaluate "$ckpt/policy.onnx" "$OUT/after.json" "after retraining"

step "Before / after on the perturbed plant ($PERTURB)"
returns() { tr -d '\n ' <"$1" | sed -n 's/.*"returns":\[\([^]]*\)\].*/\1/p' | tr ',' '\n'; }
# Same seeds before and after, so the per-episode differences give the paired standard error.
paste <(returns "$OUT/before.json") <(returns "$OUT/after.json") | awk -v rounds="$ROUNDS" -v steps="$field_steps" -v eps=$((ROUNDS * FIELD_EPISODES)) '
  { b[NR] = $1; a[NR] = $2; sb += $1; sa += $2; n = NR }
  END {
    mb = sb / n; ma = sa / n
    for (i = 1; i <= n; i++) { vb += (b[i] - mb) ^ 2; va += (a[i] - ma) ^ 2; d = a[i] - b[i] - (ma - mb); vd += d * d; if (a[i] > b[i]) better++ }
    printf "%-36s %24s %9s\n", "policy", "return (mean ± std)", "episodes"
    printf "%-36s %24s %9d\n", "trained in simulation", sprintf("%.1f ± %.1f", mb, sqrt(vb / n)), n
    printf "%-36s %24s %9d\n", sprintf("retrained from %d field round(s)", rounds), sprintf("%.1f ± %.1f", ma, sqrt(va / n)), n
    se = sqrt(vd / (n - 1) / n)
    printf "change %+.1f (paired standard error %.1f, %.1f SE; better in %d of %d episodes)\n", ma - mb, se, (ma - mb) / se, better, n
    printf "field data used: %d steps in %d episodes\n", steps, eps
  }'
echo "everything is in $OUT/"
