using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Models;

/// <summary>
/// Nearest-neighbour upsampling followed by a 3×3 convolution (child <c>conv</c>). <see cref="Forward(Tensor)"/> doubles H and W;
/// <see cref="Forward(Tensor, long, long)"/> goes to a given size (the size of the skip it is joined with, which for odd sizes
/// is 2H − 1: nearest interpolation to exactly 2H equals repeating each pixel twice).
/// </summary>
public sealed class Upsample : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    /// <summary>An upsampling of <paramref name="channels"/> channels.</summary>
    public Upsample(long channels) => _conv = RegisterModule("conv", new Conv2d(channels, channels, 3, padding: 1));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, 2 * input.Size(2), 2 * input.Size(3));

    /// <summary>Upsamples <paramref name="input"/> [B, C, H, W] to [B, C, <paramref name="height"/>, <paramref name="width"/>] and convolves.</summary>
    public Tensor Forward(Tensor input, long height, long width)
    {
        using var up = Functional.Interpolate(input, size: new Size2(height, width));
        return _conv.Forward(up);
    }
}
