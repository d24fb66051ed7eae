using Diffusion.Nn;
using Diffusion.Tensors;

namespace Diffusion.Bench;

/// <summary>A GroupNorm(8) + SiLU residual block with a time-embedding projection (the same as bench_torch.py's ResBlock).</summary>
internal sealed class ResBlock : Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm _norm1, _norm2;
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _temb;
    private readonly Conv2d? _skip;

    public ResBlock(long cin, long cout, long tdim)
    {
        _norm1 = RegisterModule("norm1", new GroupNorm(8, cin));
        _conv1 = RegisterModule("conv1", new Conv2d(cin, cout, 3, padding: 1));
        _temb = RegisterModule("temb", new Linear(tdim, cout));
        _norm2 = RegisterModule("norm2", new GroupNorm(8, cout));
        _conv2 = RegisterModule("conv2", new Conv2d(cout, cout, 3, padding: 1));
        if (cin != cout)
        {
            _skip = RegisterModule("skip", new Conv2d(cin, cout, 1));
        }
    }

    public override Tensor Forward(Tensor x, Tensor temb)
    {
        using var scope = new TensorScope();
        var h = _conv1.Forward(_norm1.Forward(x).Silu());
        h = h + _temb.Forward(temb).Unsqueeze(-1).Unsqueeze(-1);
        h = _conv2.Forward(_norm2.Forward(h).Silu());
        var skip = _skip is null ? x : _skip.Forward(x);
        return scope.Keep(skip + h);
    }
}

/// <summary>Nearest-neighbour 2x upsampling followed by a 3x3 convolution.</summary>
internal sealed class Upsample : Module<Tensor, Tensor>
{
    private readonly Conv2d _conv;

    public Upsample(long c) => _conv = RegisterModule("conv", new Conv2d(c, c, 3, padding: 1));

    public override Tensor Forward(Tensor input)
    {
        using var up = Functional.Interpolate(input, scaleFactor: 2.0);
        return _conv.Forward(up);
    }
}

/// <summary>The benchmark's DDPM UNet on 28x28x1 images: channels 32/64/128, two downsamples, concatenated skips.</summary>
internal sealed class UNet : Module<Tensor, Tensor, Tensor>
{
    private readonly SinusoidalTimeEmbedding _embed;
    private readonly Sequential _timeMlp;
    private readonly Conv2d _inc, _pool0, _pool1, _outConv;
    private readonly ResBlock _down0, _down1, _down2, _mid, _up2, _up1, _up0;
    private readonly Upsample _upsample1, _upsample0;
    private readonly GroupNorm _outNorm;

    public UNet(long c0 = 32, long c1 = 64, long c2 = 128, long tdim = 32)
    {
        _embed = new SinusoidalTimeEmbedding((int)c0);
        _timeMlp = RegisterModule("time_mlp", new Sequential(new Linear(c0, tdim), new SiLU(), new Linear(tdim, tdim)));
        _inc = RegisterModule("inc", new Conv2d(1, c0, 3, padding: 1));
        _down0 = RegisterModule("down0", new ResBlock(c0, c0, tdim));
        _pool0 = RegisterModule("pool0", new Conv2d(c0, c0, 3, stride: 2, padding: 1));
        _down1 = RegisterModule("down1", new ResBlock(c0, c1, tdim));
        _pool1 = RegisterModule("pool1", new Conv2d(c1, c1, 3, stride: 2, padding: 1));
        _down2 = RegisterModule("down2", new ResBlock(c1, c2, tdim));
        _mid = RegisterModule("mid", new ResBlock(c2, c2, tdim));
        _up2 = RegisterModule("up2", new ResBlock(c2 + c2, c1, tdim));
        _upsample1 = RegisterModule("upsample1", new Upsample(c1));
        _up1 = RegisterModule("up1", new ResBlock(c1 + c1, c0, tdim));
        _upsample0 = RegisterModule("upsample0", new Upsample(c0));
        _up0 = RegisterModule("up0", new ResBlock(c0 + c0, c0, tdim));
        _outNorm = RegisterModule("out_norm", new GroupNorm(8, c0));
        _outConv = RegisterModule("out_conv", new Conv2d(c0, 1, 3, padding: 1));
    }

    public override Tensor Forward(Tensor x, Tensor t)
    {
        using var scope = new TensorScope();
        var temb = _timeMlp.Forward(_embed.Forward(t)).Silu();
        var h0 = _down0.Forward(_inc.Forward(x), temb);
        var h1 = _down1.Forward(_pool0.Forward(h0), temb);
        var h2 = _down2.Forward(_pool1.Forward(h1), temb);
        var h = _mid.Forward(h2, temb);
        h = _up2.Forward(Torch.Cat([h, h2], 1), temb);
        h = _up1.Forward(Torch.Cat([_upsample1.Forward(h), h1], 1), temb);
        h = _up0.Forward(Torch.Cat([_upsample0.Forward(h), h0], 1), temb);
        return scope.Keep(_outConv.Forward(_outNorm.Forward(h).Silu()));
    }
}
