using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>Halves the resolution with a 3×3 convolution of stride 2 and padding 1 (child <c>conv</c>): H → ⌈H / 2⌉.</summary>
public sealed class Downsample : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    /// <summary>A downsampling of <paramref name="channels"/> channels.</summary>
    public Downsample(long channels) : base(nameof(Downsample))
    {
        _conv = nn.Conv2d(channels, channels, 3, stride: 2, padding: 1);
        register_module("conv", _conv);
        TensorAccounting.Settle(this);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Convolutions.Apply(_conv, input);

    /// <summary>The child is registered by its state-dict name in the constructor; TorchSharp's by-field registration would add it twice.</summary>
    protected override void RegisterComponents()
    {
    }
}
