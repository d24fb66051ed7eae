using Diffusion.Ddpm;
using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>Which noise level divides a DDPM ε-prediction to make a score, s = −ε̂ / σ.</summary>
public enum EpsilonNoiseLevel
{
    /// <summary>
    /// σ = √(1 − ᾱ_i) at the step index i = ⌊t (N − 1) + δ⌋: the noise level the DDPM model was trained at, as
    /// score_sde_pytorch's <c>get_score_fn</c> for discretely trained VP models (<c>sqrt_1m_alphas_cumprod[labels]</c>).
    /// With it the VP ancestral predictor is DDPM's sampler exactly.
    /// </summary>
    Discrete,

    /// <summary>
    /// σ(t) = √(1 − m(t)²), the VP SDE's marginal std at the continuous t, as score_sde_pytorch's <c>get_score_fn</c> for
    /// continuously trained models. For VpSde(0.1, 20, 1000) at t = i/(N − 1) the ratio √(1 − ᾱ_i) / σ(t) is ∞ at i = 0
    /// (σ(0) = 0 while √(1 − ᾱ_0) = √β_0 = 0.01), 1.414 at i = 1, 1.048 at i = 10, 1.0046 at i = 100, 1.00047 at i = 500 and
    /// 1 + 1.4e-6 at i = 999: the scores agree at high noise and part near the data.
    /// </summary>
    Marginal,
}

/// <summary>
/// A DDPM noise-prediction model ε_θ(x, i) (<see cref="EpsilonModel"/>, integer steps i ∈ {0, …, N − 1}) as a VP-SDE
/// <see cref="ScoreModel"/>: s_θ(x, t) = −ε_θ(x, i(t)) / σ, with i(t) = ⌊t (N − 1) / T + δ⌋ (<see cref="Sde.StepIndices"/>,
/// the index the VP predictors use for β_i) and σ chosen by <see cref="EpsilonNoiseLevel"/>. This is Tweedie's relation
/// ∇ log q(x_i) = −E[ε | x_i] / √(1 − ᾱ_i) for x_i = √ᾱ_i x_0 + √(1 − ᾱ_i) ε.
/// </summary>
/// <remarks>
/// VpSde(0.1, 20, 1000) is DDPM's linear schedule (β_i = β_min/N + i (β_max − β_min)/(N (N − 1)), 1e-4 … 0.02).
/// score_sde_pytorch passes the float label t (N − 1) to its DDPM networks (whose sinusoidal embedding accepts any real);
/// an <see cref="EpsilonModel"/> takes int64 steps, so the label is truncated to the same index as the predictor's β_i.
/// </remarks>
public static class EpsilonScore
{
    /// <summary>The score of <paramref name="model"/> under <paramref name="sde"/>.</summary>
    public static ScoreModel From(EpsilonModel model, VpSde sde, EpsilonNoiseLevel noiseLevel = EpsilonNoiseLevel.Discrete)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sde);
        return (x, t) =>
        {
            Sde.CheckTimes(x, t);
            using var scope = torch.NewDisposeScope();
            var steps = torch.tensor(sde.StepIndices(t), dtype: ScalarType.Int64, device: x.device);
            var eps = model(x, steps);
            if (!eps.shape.AsSpan().SequenceEqual(x.shape))
            {
                throw new InvalidOperationException($"the ε-model returned shape {Shapes.Format(eps)} for x of shape {Shapes.Format(x)}");
            }
            var std = noiseLevel == EpsilonNoiseLevel.Discrete ? sde.DiscreteStd(t, x) : sde.MarginalStd(t);
            return (-eps / Sde.Rows(std, x)).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// The score of a network that takes a real-valued step label (a UNet's sinusoidal embedding accepts any real, as
    /// score_sde_pytorch feeds its DDPM networks): s(x, t) = −ε_θ(x, u) / σ̃(u) with u = t (N − 1)/T and σ̃ the linear
    /// interpolation of √(1 − ᾱ_i) between ⌊u⌋ and ⌈u⌉. It equals <see cref="From"/>'s discrete score at every integer u but
    /// is continuous in t, which the probability-flow ODE needs: with the integer index its right-hand side jumps at each of
    /// the N − 1 index boundaries and RK45 must shrink its step at every one (thousands of evaluations even at rtol = 1e-2).
    /// </summary>
    /// <param name="network">ε_θ(x, u): x [B, …] and one real label u per row.</param>
    /// <param name="sde">The VP SDE of the model's schedule (<see cref="SdeFor"/>).</param>
    public static ScoreModel Interpolated(Func<Tensor, Tensor, Tensor> network, VpSde sde)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(sde);
        var stds = sde.AlphaBars.Select(a => Math.Sqrt(1 - a)).ToArray();
        return (x, t) =>
        {
            Sde.CheckTimes(x, t);
            using var scope = torch.NewDisposeScope();
            var u = (t.to(ScalarType.Float64) * ((sde.N - 1) / sde.T)).clamp(0, sde.N - 1);
            var lower = u.floor();
            var upper = u.ceil();
            var table = torch.tensor(stds, dtype: ScalarType.Float64, device: t.device);
            var low = table.index_select(0, lower.to(ScalarType.Int64));
            var high = table.index_select(0, upper.to(ScalarType.Int64));
            var std = low + (high - low) * (u - lower);
            var eps = network(x, u.to(x.dtype));
            return (-eps / Sde.Rows(std, x)).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// The VP SDE whose discretisation is <paramref name="schedule"/>: a linear schedule β_i = β_1 + i (β_N − β_1)/(N − 1) is
    /// VpSde(N β_1, N β_N, N). Throws for a schedule that is not linear (cosine, quadratic): those are not VP SDEs with linear β(t).
    /// </summary>
    public static VpSde SdeFor(NoiseSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        int n = schedule.T;
        if (n < 2)
        {
            throw new ArgumentException($"a schedule of {n} step cannot define β_min and β_max", nameof(schedule));
        }
        var sde = new VpSde(n * schedule.Betas[0], n * schedule.Betas[n - 1], n);
        for (int i = 0; i < n; i++)
        {
            if (Math.Abs(sde.DiscreteBetas[i] - schedule.Betas[i]) > 1e-9 * schedule.Betas[n - 1])
            {
                throw new ArgumentException($"the schedule is not linear in i (β_{i} = {schedule.Betas[i]} but a linear schedule from {schedule.Betas[0]} to {schedule.Betas[n - 1]} has {sde.DiscreteBetas[i]}); only linear schedules are VP SDEs here", nameof(schedule));
            }
        }
        return sde;
    }
}
