namespace Diffusion.Tensors;

public static partial class Functional
{
    /// <summary>Softmax along <paramref name="dim"/> (<c>F.softmax</c>).</summary>
    /// <remarks>y_i = exp(x_i - max x) / sum_j exp(x_j - max x).</remarks>
    public static Tensor Softmax(Tensor x, long dim) => Tensor.Wrap(NativeMethods.dt_softmax(x.Handle, dim, out var r), r, "softmax", x);

    /// <summary>Log of the softmax along <paramref name="dim"/>, computed stably (<c>F.log_softmax</c>).</summary>
    /// <remarks>y_i = x_i - logsumexp_j x_j.</remarks>
    public static Tensor LogSoftmax(Tensor x, long dim) => Tensor.Wrap(NativeMethods.dt_log_softmax(x.Handle, dim, out var r), r, "log_softmax", x);

    /// <summary>Squared error (<c>F.mse_loss</c>).</summary>
    /// <remarks>l_i = (input_i - target_i)^2, then reduced (mean by default).</remarks>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.dt_mse_loss(input.Handle, target.Handle, (int)reduction, out var r), r, "mse_loss", input, target);

    /// <summary>Absolute error (<c>F.l1_loss</c>).</summary>
    /// <remarks>l_i = |input_i - target_i|, then reduced.</remarks>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NativeMethods.dt_l1_loss(input.Handle, target.Handle, (int)reduction, out var r), r, "l1_loss", input, target);

    /// <summary>Huber-like loss, quadratic near zero and linear beyond <paramref name="beta"/> (<c>F.smooth_l1_loss</c>).</summary>
    /// <remarks>With d = |input - target|: l = 0.5 d^2 / beta if d &lt; beta, else d - 0.5 beta; then reduced.</remarks>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        if (beta < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be non-negative");
        }
        return Tensor.Wrap(NativeMethods.dt_smooth_l1_loss(input.Handle, target.Handle, (int)reduction, beta, out var r), r, "smooth_l1_loss", input, target);
    }

    /// <summary>Cross-entropy of class <paramref name="logits"/> (N, C, *) against int64 class indices <paramref name="targets"/> (N, *) (<c>F.cross_entropy</c>).</summary>
    /// <remarks>
    /// l_n = -(1 - ε) log softmax(x_n)[y_n] - (ε / C) sum_c log softmax(x_n)[c], ε = <paramref name="labelSmoothing"/>, then reduced
    /// (with class weights, the mean divides by the sum of the targets' weights). Targets equal to <paramref name="ignoreIndex"/> are skipped.
    /// </remarks>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0, Tensor? weight = null,
        long ignoreIndex = -100)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1]");
        }
        using var w = new OptionalHandle(weight);
        return Tensor.Wrap(NativeMethods.dt_cross_entropy(logits.Handle, targets.Handle, w.Pointer, (int)reduction, ignoreIndex, labelSmoothing, out var r), r,
            "cross_entropy", logits, targets);
    }

    /// <summary>Negative log-likelihood of log-probabilities (N, C, *) at int64 class indices (N, *) (<c>F.nll_loss</c>).</summary>
    /// <remarks>l_n = -w[y_n] logProbs[n, y_n], then reduced (the mean divides by sum_n w[y_n]).</remarks>
    public static Tensor NllLoss(Tensor logProbs, Tensor targets, Reduction reduction = Reduction.Mean, Tensor? weight = null, long ignoreIndex = -100)
    {
        using var w = new OptionalHandle(weight);
        return Tensor.Wrap(NativeMethods.dt_nll_loss(logProbs.Handle, targets.Handle, w.Pointer, (int)reduction, ignoreIndex, out var r), r, "nll_loss",
            logProbs, targets);
    }
}
