using Diffusion.Engine;
using Diffusion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Bench;

/// <summary>A GroupNorm(8) + SiLU residual block with a time-embedding projection (the same as bench_torch.py's ResBlock).</summary>
internal sealed class ResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _temb;
    private readonly Conv2d? _skip;

    public ResBlock(long cin, long cout, long tdim) : base(nameof(ResBlock))
    {
        register_module("norm1", _norm1 = Layers.GroupNorm(8, cin));
        register_module("conv1", _conv1 = nn.Conv2d(cin, cout, 3, padding: 1));
        register_module("temb", _temb = nn.Linear(tdim, cout));
        register_module("norm2", _norm2 = Layers.GroupNorm(8, cout));
        register_module("conv2", _conv2 = nn.Conv2d(cout, cout, 3, padding: 1));
        if (cin != cout)
        {
            register_module("skip", _skip = nn.Conv2d(cin, cout, 1));
        }
    }

    public override Tensor forward(Tensor x, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var h = Convolutions.Apply(_conv1, nn.functional.silu(_norm1.forward(x)));
        h = h + _temb.forward(temb).unsqueeze(-1).unsqueeze(-1);
        h = Convolutions.Apply(_conv2, nn.functional.silu(_norm2.forward(h)));
        var skip = _skip is null ? x : Convolutions.Apply(_skip, x);
        return (skip + h).MoveToOuterDisposeScope();
    }
}

/// <summary>Nearest-neighbour 2x upsampling (the library's <see cref="Models.Upsample.Nearest2x"/>) followed by a 3x3 convolution.</summary>
internal sealed class UpsampleConv : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    public UpsampleConv(long c) : base(nameof(UpsampleConv)) => register_module("conv", _conv = nn.Conv2d(c, c, 3, padding: 1));

    public override Tensor forward(Tensor input)
    {
        using var up = Models.Upsample.Nearest2x(input, 2 * input.shape[2], 2 * input.shape[3]);
        return Convolutions.Apply(_conv, up);
    }
}

/// <summary>
/// The benchmark's DDPM UNet on 28x28x1 images: channels 32/64/128, two downsamples, concatenated skips. Its convolutions run
/// through <see cref="Convolutions.Apply"/>, as the library's models do (LibTorch 2.10's oneDNN gets some shapes wrong here,
/// among them the input gradient of the 32 → 1 output convolution).
/// </summary>
internal sealed class UNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly SinusoidalTimeEmbedding _embed;
    private readonly Sequential _timeMlp;
    private readonly Conv2d _inc, _pool0, _pool1, _outConv;
    private readonly ResBlock _down0, _down1, _down2, _mid, _up2, _up1, _up0;
    private readonly UpsampleConv _upsample1, _upsample0;
    private readonly GroupNorm _outNorm;

    public UNet(long c0 = 32, long c1 = 64, long c2 = 128, long tdim = 32) : base(nameof(UNet))
    {
        _embed = new SinusoidalTimeEmbedding((int)c0);
        register_module("time_mlp", _timeMlp = nn.Sequential(nn.Linear(c0, tdim), nn.SiLU(), nn.Linear(tdim, tdim)));
        register_module("inc", _inc = nn.Conv2d(1, c0, 3, padding: 1));
        register_module("down0", _down0 = new ResBlock(c0, c0, tdim));
        register_module("pool0", _pool0 = nn.Conv2d(c0, c0, 3, stride: 2, padding: 1));
        register_module("down1", _down1 = new ResBlock(c0, c1, tdim));
        register_module("pool1", _pool1 = nn.Conv2d(c1, c1, 3, stride: 2, padding: 1));
        register_module("down2", _down2 = new ResBlock(c1, c2, tdim));
        register_module("mid", _mid = new ResBlock(c2, c2, tdim));
        register_module("up2", _up2 = new ResBlock(c2 + c2, c1, tdim));
        register_module("upsample1", _upsample1 = new UpsampleConv(c1));
        register_module("up1", _up1 = new ResBlock(c1 + c1, c0, tdim));
        register_module("upsample0", _upsample0 = new UpsampleConv(c0));
        register_module("up0", _up0 = new ResBlock(c0 + c0, c0, tdim));
        register_module("out_norm", _outNorm = Layers.GroupNorm(8, c0));
        register_module("out_conv", _outConv = nn.Conv2d(c0, 1, 3, padding: 1));
        TensorAccounting.Settle(this);
    }

    public override Tensor forward(Tensor x, Tensor t)
    {
        using var scope = NewDisposeScope();
        var temb = nn.functional.silu(_timeMlp.forward(_embed.forward(t)));
        var h0 = _down0.forward(Convolutions.Apply(_inc, x), temb);
        var h1 = _down1.forward(Convolutions.Apply(_pool0, h0), temb);
        var h2 = _down2.forward(Convolutions.Apply(_pool1, h1), temb);
        var h = _mid.forward(h2, temb);
        h = _up2.forward(cat([h, h2], 1), temb);
        h = _up1.forward(cat([_upsample1.forward(h), h1], 1), temb);
        h = _up0.forward(cat([_upsample0.forward(h), h0], 1), temb);
        return Convolutions.Apply(_outConv, nn.functional.silu(_outNorm.forward(h))).MoveToOuterDisposeScope();
    }
}
