namespace Diffusion.Tensors;

public static partial class Functional
{
    /// <summary>2-D cross-correlation over (N, C_in, H, W) input (<c>F.conv2d</c>).</summary>
    /// <remarks>
    /// y[n, o] = b[o] + sum_{c in group(o)} w[o, c] ⋆ x[n, c]; weight has shape (C_out, C_in / groups, kH, kW).
    /// H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1, likewise for W.
    /// </remarks>
    /// <param name="x">Input (N, C_in, H, W) (or unbatched (C_in, H, W)).</param>
    /// <param name="weight">Filters (C_out, C_in / groups, kH, kW).</param>
    /// <param name="bias">Per-output-channel bias (C_out), or null.</param>
    /// <param name="stride">Step between windows; default 1.</param>
    /// <param name="padding">Zero padding on each side; default 0.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="groups">Channel groups (C_in and C_out must be divisible by it).</param>
    public static unsafe Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        long groups = 1)
    {
        long[] s = (stride ?? 1).ToArray(), p = (padding ?? 0).ToArray(), d = (dilation ?? 1).ToArray();
        using var b = new OptionalHandle(bias);
        fixed (long* ps = s, pp = p, pd = d)
        {
            return Tensor.Wrap(NativeMethods.dt_conv2d(x.Handle, weight.Handle, b.Pointer, ps, pp, pd, groups, out var r), r, "conv2d", x, weight, bias);
        }
    }

    /// <summary>The transpose (gradient) of <see cref="Conv2d"/> with respect to its input, used to upsample (<c>F.conv_transpose2d</c>).</summary>
    /// <remarks>
    /// Weight has shape (C_in, C_out / groups, kH, kW).
    /// H_out = (H - 1) stride - 2 padding + dilation (kH - 1) + outputPadding + 1, likewise for W.
    /// </remarks>
    /// <param name="x">Input (N, C_in, H, W).</param>
    /// <param name="weight">Filters (C_in, C_out / groups, kH, kW).</param>
    /// <param name="bias">Per-output-channel bias (C_out), or null.</param>
    /// <param name="stride">Upsampling step; default 1.</param>
    /// <param name="padding">Implicit padding removed from each side of the output; default 0.</param>
    /// <param name="outputPadding">Extra rows/columns added on one side of the output (less than stride or dilation); default 0.</param>
    /// <param name="groups">Channel groups.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    public static unsafe Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, Size2? stride = null, Size2? padding = null,
        Size2? outputPadding = null, long groups = 1, Size2? dilation = null)
    {
        long[] s = (stride ?? 1).ToArray(), p = (padding ?? 0).ToArray(), op = (outputPadding ?? 0).ToArray(), d = (dilation ?? 1).ToArray();
        using var b = new OptionalHandle(bias);
        fixed (long* ps = s, pp = p, pop = op, pd = d)
        {
            return Tensor.Wrap(NativeMethods.dt_conv_transpose2d(x.Handle, weight.Handle, b.Pointer, ps, pp, pop, groups, pd, out var r), r,
                "conv_transpose2d", x, weight, bias);
        }
    }

    /// <summary>Extracts sliding (kH, kW) patches: (N, C, H, W) to (N, C kH kW, L) (<c>F.unfold</c>, im2col).</summary>
    /// <remarks>L is the number of windows, prod over (H, W) of floor((size + 2 padding - dilation (k - 1) - 1) / stride) + 1.</remarks>
    public static unsafe Tensor Unfold(Tensor x, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null)
    {
        long[] k = kernelSize.ToArray(), d = (dilation ?? 1).ToArray(), p = (padding ?? 0).ToArray(), s = (stride ?? 1).ToArray();
        fixed (long* pk = k, pd = d, pp = p, ps = s)
        {
            return Tensor.Wrap(NativeMethods.dt_unfold(x.Handle, pk, pd, pp, ps, out var r), r, "unfold", x);
        }
    }

    /// <summary>Sums patches back into an image: (N, C kH kW, L) to (N, C, H, W), the adjoint of <see cref="Unfold"/> (<c>F.fold</c>, col2im).</summary>
    public static unsafe Tensor Fold(Tensor x, Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null)
    {
        long[] o = outputSize.ToArray(), k = kernelSize.ToArray(), d = (dilation ?? 1).ToArray(), p = (padding ?? 0).ToArray(), s = (stride ?? 1).ToArray();
        fixed (long* po = o, pk = k, pd = d, pp = p, ps = s)
        {
            return Tensor.Wrap(NativeMethods.dt_fold(x.Handle, po, pk, pd, pp, ps, out var r), r, "fold", x);
        }
    }
}
