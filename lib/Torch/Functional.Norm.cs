namespace Diffusion.Tensors;

public static partial class Functional
{
    /// <summary>Normalises each group of channels of each sample to zero mean and unit variance, then applies a per-channel affine map (<c>F.group_norm</c>).</summary>
    /// <remarks>
    /// For x of shape (N, C, *) split into G groups of C/G channels: y = (x - mean_g) / sqrt(var_g + eps) * w[c] + b[c], with the mean and
    /// the biased variance taken over the group's channels and all spatial positions of one sample.
    /// </remarks>
    /// <param name="x">Input (N, C, *).</param>
    /// <param name="groups">G; must divide C.</param>
    /// <param name="weight">Per-channel scale (C), or null for 1.</param>
    /// <param name="bias">Per-channel shift (C), or null for 0.</param>
    /// <param name="eps">Added to the variance.</param>
    public static Tensor GroupNorm(Tensor x, long groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        using var w = new OptionalHandle(weight);
        using var b = new OptionalHandle(bias);
        return Tensor.Wrap(NativeMethods.dt_group_norm(x.Handle, groups, w.Pointer, b.Pointer, eps, out var r), r, "group_norm", x, weight, bias);
    }

    /// <summary>Normalises over the trailing dimensions <paramref name="normalizedShape"/> (<c>F.layer_norm</c>).</summary>
    /// <remarks>y = (x - mean) / sqrt(var + eps) * w + b, mean and biased variance over the last len(normalizedShape) dimensions.</remarks>
    /// <param name="x">Input (..., *normalizedShape).</param>
    /// <param name="normalizedShape">The trailing shape normalised over, e.g. <c>[d_model]</c>.</param>
    /// <param name="weight">Elementwise scale of shape <paramref name="normalizedShape"/>, or null.</param>
    /// <param name="bias">Elementwise shift of shape <paramref name="normalizedShape"/>, or null.</param>
    /// <param name="eps">Added to the variance.</param>
    public static unsafe Tensor LayerNorm(Tensor x, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        using var w = new OptionalHandle(weight);
        using var b = new OptionalHandle(bias);
        fixed (long* ps = normalizedShape)
        {
            return Tensor.Wrap(NativeMethods.dt_layer_norm(x.Handle, ps, normalizedShape.Length, w.Pointer, b.Pointer, eps, out var r), r, "layer_norm",
                x, weight, bias);
        }
    }

    /// <summary>Batch normalisation over (N, C, *) per channel (<c>F.batch_norm</c>).</summary>
    /// <remarks>
    /// Training: y = (x - mean_B) / sqrt(var_B + eps) * w + b with batch statistics, and the running statistics are updated in place,
    /// running = (1 - momentum) running + momentum batch (the running variance uses the unbiased batch variance).
    /// Evaluation: the running statistics replace the batch ones.
    /// </remarks>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null, bool training = false,
        double momentum = 0.1, double eps = 1e-5)
    {
        using var rm = new OptionalHandle(runningMean);
        using var rv = new OptionalHandle(runningVar);
        using var w = new OptionalHandle(weight);
        using var b = new OptionalHandle(bias);
        return Tensor.Wrap(NativeMethods.dt_batch_norm(x.Handle, rm.Pointer, rv.Pointer, w.Pointer, b.Pointer, training ? 1 : 0, momentum, eps, out var r), r,
            "batch_norm", x, weight, bias);
    }
}
