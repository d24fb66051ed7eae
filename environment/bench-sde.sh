#!/usr/bin/env bash
# The score-SDE benchmark: the NCSN++ of ncsnpp-mnist (lib/Models/NcsnPp.cs with TrainingConfigs.NcsnPpMnist, 175,527
# parameters; the PyTorch peer is environment/bench/ncsnpp.py, same modules, state-dict names and forward pass) on the VE SDE
# (sigma 0.01..15.8, N 1000), timed in C# (TorchSharp: SdeBench.cs) and in PyTorch 1.13.1 (the same loops in bench/bench_sde.py)
# on the same machine with the same thread count, in one run:
#   pc:    PcSampler, reverse-diffusion predictor + one Langevin corrector move (snr 0.16), 1000 steps at batch B; pc-steps
#          K < 1000 times the first K steps and scales the time by 1000/K (the output says "extrapolated");
#   ode:   ProbabilityFlowSampler, adaptive Dormand-Prince RK45 at rtol = atol = 1e-3 (bench/dormand_prince.py on the PyTorch
#          side, the same step control) + one denoising step, at batch B: seconds, evaluations (NFE), seconds per NFE;
#   train: the sigma^2-weighted continuous score-matching loss, Adam lr 2e-4, gradient clipped to 1, batch 64: median s/step.
# Then the train step and one PC step are timed interleaved (environment/bench/interleave.py: warm-up until settled, rounds
# alternating C# in the library's default precision, C# in float32 and PyTorch in float32, medians and interquartile ranges);
# the ratio lines at the end are the medians' ("train ratio (C# / PyTorch)" is the course's default configuration).
# The C# side writes its weights (init scale 1: with ncsnpp-mnist's 0 the score starts at ~0) and a forward check to a
# temporary file that the PyTorch side loads, so both sample with the same network from the same x_T.
# Usage: environment/bench-sde.sh [threads (default: nproc)] [pc-steps (default 1000)] [batch (default 64)] [train-steps (default 10)]
#                                 [rounds (default 6)] [steps per round (default 4)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
threads="${1:-$(nproc)}"
pc_steps="${2:-1000}"
batch="${3:-64}"
train_steps="${4:-10}"
rounds="${5:-6}"
per_round="${6:-4}"
name=bench-sde
source "$here/bench/side_by_side.sh"
weights="$(mktemp --suffix=.safetensors)"
trap 'rm -f "$cs_out" "$py_out" "$weights"' EXIT
args=(--threads "$threads" --batch "$batch" --pc-steps "$pc_steps" --train-steps "$train_steps")

echo "bench-sde: C# ($threads threads, batch $batch, PC $pc_steps of 1000 steps timed, ODE rtol 1e-3, $train_steps train steps of batch 64)"
dotnet "$dll" sde "${args[@]}" --save-weights "$weights" | tee "$cs_out"
echo "bench-sde: PyTorch ($threads threads, same loops, the C# weights)"
"$python" "$here/bench/bench_sde.py" "${args[@]}" --weights "$weights" | tee "$py_out"
same_parameters
note=""
if [ "$pc_steps" -lt 1000 ]; then note=" (extrapolated from $pc_steps of the 1000 steps)"; fi
echo "parameters: $cs_params (both); $batch samples, $threads threads"
echo "forward on the same weights: max |PyTorch - C#| = $(field "$py_out" forward_maxdiff) (max |output| $(field "$py_out" forward_maxabs))"
echo "train step (batch 64): C# $(field "$cs_out" train_s) s, PyTorch $(field "$py_out" train_s) s"
echo "pc-1000: C# $(field "$cs_out" pc_s) s, PyTorch $(field "$py_out" pc_s) s$note"
echo "ode: C# $(field "$cs_out" ode_s) s for $(field "$cs_out" ode_nfe) NFE, PyTorch $(field "$py_out" ode_s) s for $(field "$py_out" ode_nfe) NFE"
echo "ode per NFE: C# $(field "$cs_out" ode_s_per_nfe) s, PyTorch $(field "$py_out" ode_s_per_nfe) s"
ratio "one-shot train" train_s
ratio "one-shot pc-1000" pc_s
ratio ode ode_s
ratio "ode per NFE" ode_s_per_nfe
echo "bench-sde: the train step and one PC step, interleaved"
serve=(--threads "$threads" --batch "$batch" --weights "$weights" --serve)
"$python" "$here/bench/interleave.py" --rounds "$rounds" --steps-per-round "$per_round" --task train --task pc-step \
  --worker "C# default=dotnet $dll sde ${serve[*]} --precision default" \
  --worker "C# fp32=dotnet $dll sde ${serve[*]} --precision fp32" \
  --worker "PyTorch fp32=$python $here/bench/bench_sde.py ${serve[*]}" \
  --worker "PyTorch fp32, our malloc=env $same_malloc $python $here/bench/bench_sde.py ${serve[*]}" \
  --ratio "train=train:C# default/PyTorch fp32" \
  --ratio "train fp32=train:C# fp32/PyTorch fp32" \
  --ratio "pc-step=pc-step:C# default/PyTorch fp32" \
  --ratio "pc-step fp32=pc-step:C# fp32/PyTorch fp32" \
  --ratio "train vs our malloc settings=train:C# default/PyTorch fp32, our malloc" \
  --ratio "pc-step vs our malloc settings=pc-step:C# default/PyTorch fp32, our malloc" \
  --scale "pc-step=1000:s for PC 1000"
