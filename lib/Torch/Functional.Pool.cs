namespace Diffusion.Tensors;

public static partial class Functional
{
    /// <summary>Averages over (kH, kW) windows of (N, C, H, W) input (<c>F.avg_pool2d</c>).</summary>
    /// <remarks>H_out = floor((H + 2 padding - kH) / stride) + 1 (ceil with <paramref name="ceilMode"/>), likewise for W.</remarks>
    /// <param name="x">Input (N, C, H, W).</param>
    /// <param name="kernelSize">Window size.</param>
    /// <param name="stride">Step between windows; default the kernel size.</param>
    /// <param name="padding">Zero padding on each side; default 0.</param>
    /// <param name="ceilMode">Round the output size up instead of down.</param>
    /// <param name="countIncludePad">Count padded zeros in the divisor.</param>
    public static unsafe Tensor AvgPool2d(Tensor x, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false,
        bool countIncludePad = true)
    {
        long[] k = kernelSize.ToArray(), s = (stride ?? kernelSize).ToArray(), p = (padding ?? 0).ToArray();
        fixed (long* pk = k, ps = s, pp = p)
        {
            return Tensor.Wrap(NativeMethods.dt_avg_pool2d(x.Handle, pk, ps, pp, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var r), r, "avg_pool2d", x);
        }
    }

    /// <summary>The maximum over (kH, kW) windows of (N, C, H, W) input (<c>F.max_pool2d</c>).</summary>
    /// <remarks>H_out = floor((H + 2 padding - dilation (kH - 1) - 1) / stride) + 1, likewise for W; padding counts as -inf.</remarks>
    public static unsafe Tensor MaxPool2d(Tensor x, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool ceilMode = false)
    {
        long[] k = kernelSize.ToArray(), s = (stride ?? kernelSize).ToArray(), p = (padding ?? 0).ToArray(), d = (dilation ?? 1).ToArray();
        fixed (long* pk = k, ps = s, pp = p, pd = d)
        {
            return Tensor.Wrap(NativeMethods.dt_max_pool2d(x.Handle, pk, ps, pp, pd, ceilMode ? 1 : 0, out var r), r, "max_pool2d", x);
        }
    }

    /// <summary>Averages over windows chosen so that the output has size <paramref name="outputSize"/> (<c>F.adaptive_avg_pool2d</c>).</summary>
    /// <remarks>Output cell i averages input rows floor(i H / H_out) to ceil((i + 1) H / H_out) - 1, likewise for columns.</remarks>
    public static unsafe Tensor AdaptiveAvgPool2d(Tensor x, Size2 outputSize)
    {
        long[] o = outputSize.ToArray();
        fixed (long* po = o)
        {
            return Tensor.Wrap(NativeMethods.dt_adaptive_avg_pool2d(x.Handle, po, out var r), r, "adaptive_avg_pool2d", x);
        }
    }

    /// <summary>
    /// Resamples (N, C, H, W) input to <paramref name="size"/> or by <paramref name="scaleFactor"/> (<c>F.interpolate</c>); give exactly one.
    /// </summary>
    /// <remarks>
    /// With a scale factor s the output size is floor(H s) by floor(W s) and, as in PyTorch (recompute_scale_factor unset), the kernels map
    /// output coordinates with 1/s. Without <paramref name="alignCorners"/> (the default, false) pixel centres are aligned:
    /// src = (dst + 0.5) H / H_out - 0.5; with it the corner pixels are: src = dst (H - 1) / (H_out - 1).
    /// </remarks>
    /// <param name="x">Input (N, C, H, W).</param>
    /// <param name="size">Output (height, width).</param>
    /// <param name="scaleFactor">Multiplier of both spatial sizes.</param>
    /// <param name="mode">Nearest, bilinear or bicubic.</param>
    /// <param name="alignCorners">Only for bilinear / bicubic; null means false.</param>
    public static unsafe Tensor Interpolate(Tensor x, Size2? size = null, double? scaleFactor = null, InterpolationMode mode = InterpolationMode.Nearest,
        bool? alignCorners = null)
    {
        if (size is null == scaleFactor is null)
        {
            throw new ArgumentException("Interpolate needs exactly one of size and scaleFactor");
        }
        if (mode == InterpolationMode.Nearest && alignCorners is not null)
        {
            throw new ArgumentException("alignCorners only applies to bilinear and bicubic interpolation", nameof(alignCorners));
        }
        if (scaleFactor is { } sf && !(sf > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(scaleFactor), sf, "the scale factor must be positive");
        }
        var shape = x.Shape;
        if (shape.Length != 4)
        {
            throw new ArgumentException($"Interpolate expects a 4-D input (N, C, H, W), got shape {Tensor.FormatShape(shape)}", nameof(x));
        }
        long[] outSize = size is { } s2
            ? s2.ToArray()
            : [(long)Math.Floor(shape[2] * scaleFactor!.Value), (long)Math.Floor(shape[3] * scaleFactor!.Value)];
        double scale = scaleFactor ?? 0;
        fixed (long* po = outSize)
        {
            return Tensor.Wrap(NativeMethods.dt_interpolate(x.Handle, po, (int)mode, alignCorners == true ? 1 : 0, scale, scale, out var r), r,
                "interpolate", x);
        }
    }
}
