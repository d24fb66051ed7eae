using Diffusion.Ddpm;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Sde;

/// <summary>
/// Sampling by the probability-flow ODE dx/dt = f(x, t) − ½ g(t)² s(x, t) (Song et al. 2021, eq. 13), integrated from the prior
/// at T down to ε by <see cref="DormandPrince"/> (rtol = atol = 1e-5 by default, as score_sde_pytorch). With
/// <paramref name="denoise"/>, one reverse-diffusion mean step at ε follows (one more evaluation), as the reference's
/// <c>denoise=True</c>.
/// </summary>
public sealed class ProbabilityFlowSampler(Sde sde, ScoreModel score, double eps = 1e-3, double rtol = 1e-5, double atol = 1e-5, bool denoise = false)
{
    /// <summary>Integrates from <paramref name="xT"/> (not modified).</summary>
    /// <param name="xT">x_T ~ p_T.</param>
    /// <param name="progress">Called at every evaluation with the share of [ε, T] integrated so far, (T − t)/(T − ε), never
    /// decreasing (the adaptive solver's steps are not known in advance, so this is the honest measure of what is left).</param>
    public (SampleResult Result, OdeSolution Solution) Sample(Tensor xT, Action<double>? progress = null)
    {
        double reached = 0;
        ArgumentNullException.ThrowIfNull(xT);
        var ode = sde.Reverse(score, probabilityFlow: true);
        long b = xT.shape[0];
        Tensor Rhs(double t, Tensor x)
        {
            using var scope = torch.NewDisposeScope();
            if (progress is not null)
            {
                reached = Math.Max(reached, Math.Clamp((sde.T - t) / (sde.T - eps), 0, 1));
                progress(reached);
            }
            var tt = torch.full([b], t, dtype: x.dtype, device: x.device);
            return ode.Drift(x, tt).MoveToOuterDisposeScope();
        }
        var solution = DormandPrince.Solve(Rhs, xT, sde.T, eps, rtol, atol);
        var x = solution.Y;
        int nfe = solution.Nfe;
        if (denoise)
        {
            using var scope = torch.NewDisposeScope();
            var step = new ReverseDiffusionPredictor(sde, score, (shape, dtype, device) => torch.zeros(shape, dtype: dtype, device: device));
            var (_, mean) = step.Update(x, torch.full([b], eps, dtype: x.dtype, device: x.device));
            x.Dispose();
            x = mean.MoveToOuterDisposeScope();
            nfe++;
            solution = solution with { Y = x };
        }
        return (new SampleResult(x, nfe, solution.Accepted), solution);
    }
}
