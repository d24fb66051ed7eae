using Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// The predictor-corrector sampler (Song et al. 2021, Algorithm 1): from x_N ~ p_T, for N times t_i evenly spaced from T down
/// to ε, first the corrector at t_i, then the predictor; the last step returns the predictor's mean x̄ (no final noise) when
/// <paramref name="denoise"/>. Either part may be null (predictor-only or corrector-only sampling). The loop is
/// <see cref="SamplingLoop"/>'s: no gradients, one dispose scope per step.
/// </summary>
/// <param name="sde">The SDE (its N sets the number of steps).</param>
/// <param name="predictor">The predictor, or null for corrector-only.</param>
/// <param name="corrector">The corrector, or null for predictor-only.</param>
/// <param name="eps">ε, the last time (1e-3 in score_sde_pytorch).</param>
/// <param name="denoise">Return x̄ at the last step.</param>
public sealed class PcSampler(Sde sde, Predictor? predictor, Corrector? corrector, double eps = 1e-3, bool denoise = true)
{
    /// <summary>The N times t_i = T − i (T − ε)/(N − 1), i = 0 … N − 1.</summary>
    public double[] Times()
    {
        int n = sde.N;
        return Enumerable.Range(0, n).Select(i => n == 1 ? sde.T : sde.T + i * (eps - sde.T) / (n - 1)).ToArray();
    }

    /// <summary>Runs the sampler from <paramref name="xT"/> (a prior sample; not modified).</summary>
    /// <param name="xT">x_N ~ p_T, e.g. <see cref="Sde.PriorSampling"/>.</param>
    /// <param name="observer">Called after each step (<see cref="SamplingStep.Timestep"/>: the discretisation index N − 1 … 0;
    /// no x̂_0).</param>
    /// <param name="showProgress">Draws a progress bar.</param>
    /// <param name="cancellation">Stops the loop (as does a notebook interrupt).</param>
    public SampleResult Sample(Tensor xT, Action<SamplingStep>? observer = null, bool showProgress = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(xT);
        if (predictor is null && corrector is null)
        {
            throw new InvalidOperationException("a PC sampler needs a predictor, a corrector or both");
        }
        var times = Times();
        Tensor mean = xT.alias();
        int nfe = 0;
        try
        {
            var x = SamplingLoop.Run(xT.alias(), times.Length, nameof(PcSampler), (i, x) =>
            {
                var t = torch.full([xT.shape[0]], times[i], dtype: xT.dtype, device: xT.device);
                Tensor nx = x, nm = mean;
                if (corrector is not null)
                {
                    (nx, nm) = corrector.Update(nx, t);
                    nfe += corrector.Steps;
                }
                if (predictor is not null)
                {
                    (nx, nm) = predictor.Update(nx, t);
                    nfe += 1;
                }
                mean.Dispose();
                mean = (ReferenceEquals(nm, nx) ? nm.alias() : nm).MoveToOuterDisposeScope();
                return new LoopStep(nx, null, sde.N - 1 - i);
            }, new SamplingHooks(observer, showProgress, cancellation), ownsStart: true);
            if (denoise)
            {
                x.Dispose();
                return new SampleResult(mean, nfe, times.Length);
            }
            mean.Dispose();
            return new SampleResult(x, nfe, times.Length);
        }
        catch
        {
            mean.Dispose();
            throw;
        }
    }
}
