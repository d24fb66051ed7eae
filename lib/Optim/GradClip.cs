using Diffusion.Tensors;

namespace Diffusion.Optim;

/// <summary>Gradient clipping (<c>torch.nn.utils.clip_grad_norm_</c>).</summary>
public static class GradClip
{
    /// <summary>
    /// Rescales the gradients of <paramref name="parameters"/> in place so that their joint 2-norm is at most
    /// <paramref name="maxNorm"/>, and returns the joint norm before clipping.
    /// </summary>
    /// <remarks>
    /// total = || (||g_1||, ..., ||g_n||) ||_2, the norm of the per-parameter norms;
    /// every g_i *= min(1, maxNorm / (total + 1e-6)). Parameters without a gradient are skipped.
    /// A non-finite total (an exploding step) is returned as is and the gradients are scaled by it, as in PyTorch.
    /// </remarks>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "the maximum norm must be >= 0");
        }
        using var scope = new TensorScope();
        using var noGrad = Torch.NoGrad();
        var grads = new List<Tensor>();
        foreach (var p in parameters)
        {
            var g = p.Grad;
            if (g is not null)
            {
                grads.Add(g);
            }
        }
        if (grads.Count == 0)
        {
            return 0.0;
        }
        var norms = grads.Select(g => g.Norm()).ToArray();
        var total = Torch.Stack(norms).Norm();
        double totalNorm = total.ToDouble();
        double coefficient = Math.Min(1.0, maxNorm / (totalNorm + 1e-6));
        if (coefficient < 1.0 || double.IsNaN(coefficient))
        {
            foreach (var g in grads)
            {
                g.Mul_(coefficient);
            }
        }
        return totalNorm;
    }
}
