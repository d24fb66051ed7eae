using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Models;

/// <summary>Halves the resolution with a 3×3 convolution of stride 2 and padding 1 (child <c>conv</c>): H → ⌈H / 2⌉.</summary>
public sealed class Downsample : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    /// <summary>A downsampling of <paramref name="channels"/> channels.</summary>
    public Downsample(long channels) => _conv = RegisterModule("conv", new Conv2d(channels, channels, 3, stride: 2, padding: 1));

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _conv.Forward(input);
}
