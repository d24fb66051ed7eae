using Diffusion.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Models;

/// <summary>
/// NCSN++ (Song et al. 2021, "Score-Based Generative Modeling through SDEs", section 4.3 and appendix H): a U-Net of
/// BigGAN-style residual blocks with a Gaussian Fourier embedding of log σ, attention at the configured resolutions,
/// skip rescaling by 1/√2 and progressive input/output image pyramids. It maps (x, σ) to the score s_θ(x, σ) ≈ ∇ₓ log p_σ(x)
/// of the VE SDE's marginal at noise level σ.
/// </summary>
/// <remarks>
/// <para>The modules are kept, as in score_sde_pytorch's <c>models/ncsnpp.py</c>, in one list <c>all_modules</c> in the
/// order the forward pass uses them, and a buffer <c>sigmas</c> holds the N geometric noise levels from σ_max to σ_min
/// (float64, unused by the continuous forward pass), so the state dict has the reference's names and shapes and a
/// published checkpoint loads (see <see cref="NcsnPpCheckpoint"/>).</para>
/// <para>Forward: e = Dense₁(SiLU(Dense₀(Fourier(log σ)))); x ← 2x − 1 unless the data are centred; h₀ = Conv(x); per
/// level, <c>num_res_blocks</c> residual blocks (+ attention at the listed resolutions), then (not at the last level) a
/// down-sampling block, with the input pyramid (the image down-sampled again) joined by <see cref="NcsnPpCombine"/>;
/// middle: block, attention, block; up the levels, <c>num_res_blocks</c> + 1 blocks each on [h, skip] (+ attention), the
/// output pyramid p ← up(p) + Conv(SiLU(GroupNorm(h))), and an up-sampling block; the output is p (or Conv(SiLU(GroupNorm(h))) without
/// progressive output), divided by σ when <see cref="NcsnPpConfig.ScaleBySigma"/>.</para>
/// </remarks>
public sealed class NcsnPp : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<nn.Module> _modules;
    private readonly Tensor _sigmas;

    /// <summary>Builds the network for <paramref name="config"/> (validated), initialised as the reference (DDPM's variance scaling).</summary>
    public NcsnPp(NcsnPpConfig config) : base(nameof(NcsnPp))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int nf = config.Nf, channels = config.NumChannels;
        long tembDim = 4L * nf;
        var resolutions = config.Resolutions;
        bool outputSkip = config.Progressive == "output_skip", inputSkip = config.ProgressiveInput == "input_skip";
        var modules = new List<nn.Module>
        {
            new GaussianFourierProjection(nf, config.FourierScale),
            DdpmInit.Dense(2L * nf, tembDim),
            DdpmInit.Dense(tembDim, tembDim),
            DdpmInit.Conv(channels, nf, 3),
        };
        NcsnPpResBlock Block(long inCh, long? outCh = null, bool up = false, bool down = false) => new(config, inCh, outCh, tembDim, up, down);
        NcsnPpAttention Attention(long ch) => new(ch, config.SkipRescale, config.InitScale);

        var skipChannels = new Stack<long>();
        skipChannels.Push(nf);
        long inCh = nf;
        for (int level = 0; level < config.Levels; level++)
        {
            for (int b = 0; b < config.NumResBlocks; b++)
            {
                long outCh = (long)nf * config.ChMult[level];
                modules.Add(Block(inCh, outCh));
                inCh = outCh;
                if (config.AttnResolutions.Contains(resolutions[level]))
                {
                    modules.Add(Attention(inCh));
                }
                skipChannels.Push(inCh);
            }
            if (level != config.Levels - 1)
            {
                modules.Add(Block(inCh, down: true));
                if (inputSkip)
                {
                    modules.Add(new NcsnPpCombine(channels, inCh, config.ProgressiveCombine));
                    if (config.ProgressiveCombine == "cat")
                    {
                        inCh *= 2;
                    }
                }
                skipChannels.Push(inCh);
            }
        }
        inCh = skipChannels.Peek();
        modules.Add(Block(inCh));
        modules.Add(Attention(inCh));
        modules.Add(Block(inCh));

        for (int level = config.Levels - 1; level >= 0; level--)
        {
            for (int b = 0; b < config.NumResBlocks + 1; b++)
            {
                long outCh = (long)nf * config.ChMult[level];
                modules.Add(Block(inCh + skipChannels.Pop(), outCh));
                inCh = outCh;
            }
            if (config.AttnResolutions.Contains(resolutions[level]))
            {
                modules.Add(Attention(inCh));
            }
            if (outputSkip)
            {
                modules.Add(Layers.GroupNorm(NcsnPpConfig.GroupsFor(inCh), inCh, 1e-6));
                modules.Add(DdpmInit.Conv(inCh, channels, 3, config.InitScale));
            }
            if (level != 0)
            {
                modules.Add(Block(inCh, up: true));
            }
        }
        if (skipChannels.Count != 0)
        {
            throw new InvalidOperationException($"NCSN++ construction left {skipChannels.Count} skip connections unused");
        }
        if (!outputSkip)
        {
            modules.Add(Layers.GroupNorm(NcsnPpConfig.GroupsFor(inCh), inCh, 1e-6));
            modules.Add(DdpmInit.Conv(inCh, channels, 3, config.InitScale));
        }

        using (no_grad())
        {
            var sigmas = linspace(Math.Log(config.SigmaMax), Math.Log(config.SigmaMin), config.NumScales, dtype: ScalarType.Float64).exp();
            _sigmas = sigmas.DetachFromDisposeScope();
        }
        register_buffer("sigmas", _sigmas);
        _modules = nn.ModuleList(modules.ToArray());
        register_module("all_modules", _modules);
        TensorAccounting.Settle(this);
    }

    /// <summary>The architecture.</summary>
    public NcsnPpConfig Config { get; }

    /// <summary>The N noise levels σ_i = σ_max (σ_min / σ_max)^{i/(N−1)} (buffer <c>sigmas</c>, float64).</summary>
    public Tensor Sigmas => _sigmas;

    /// <summary>The number of trainable and fixed parameters (the Fourier frequencies included, as in the reference).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// The score s_θ(x, σ) for images <paramref name="x"/> [B, C, H, W] (in [0, 1] unless the config says centred) at noise
    /// levels <paramref name="sigma"/> [B] (σ &gt; 0); the result has the shape of x.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor sigma)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sigma);
        var c = Config;
        if (x.dim() != 4 || x.shape[1] != c.NumChannels || x.shape[2] != c.ImageSize || x.shape[3] != c.ImageSize)
        {
            throw new ArgumentException($"NCSN++ expects x [B, {c.NumChannels}, {c.ImageSize}, {c.ImageSize}], got {Shapes.Format(x)}", nameof(x));
        }
        if (sigma.dim() != 1 || sigma.shape[0] != x.shape[0])
        {
            throw new ArgumentException($"NCSN++ expects noise levels σ of shape [{x.shape[0]}] for x {Shapes.Format(x)}, got {Shapes.Format(sigma)}", nameof(sigma));
        }
        using var scope = NewDisposeScope();
        int m = 0;
        T Next<T>() where T : nn.Module => (T)_modules[m++];

        var temb = Next<GaussianFourierProjection>().call(sigma.to(x.dtype).log());
        temb = Next<Linear>().call(temb);
        temb = Next<Linear>().call(nn.functional.silu(temb));

        if (!c.Centered)
        {
            x = 2 * x - 1;
        }
        bool outputSkip = c.Progressive == "output_skip", inputSkip = c.ProgressiveInput == "input_skip";
        var inputPyramid = x;
        var hs = new List<Tensor> { Convolutions.Apply(Next<Conv2d>(), x) };
        for (int level = 0; level < c.Levels; level++)
        {
            for (int b = 0; b < c.NumResBlocks; b++)
            {
                var h = Next<NcsnPpResBlock>().call(hs[^1], temb);
                if (c.AttnResolutions.Contains((int)h.shape[^1]))
                {
                    h = Next<NcsnPpAttention>().call(h);
                }
                hs.Add(h);
            }
            if (level != c.Levels - 1)
            {
                var h = Next<NcsnPpResBlock>().call(hs[^1], temb);
                if (inputSkip)
                {
                    inputPyramid = c.Fir ? FirResampling.Downsample2d(inputPyramid, c.FirKernel) : FirResampling.NaiveDownsample2d(inputPyramid);
                    h = Next<NcsnPpCombine>().call(inputPyramid, h);
                }
                hs.Add(h);
            }
        }

        var hMid = Next<NcsnPpResBlock>().call(hs[^1], temb);
        hMid = Next<NcsnPpAttention>().call(hMid);
        var hUp = Next<NcsnPpResBlock>().call(hMid, temb);

        Tensor? pyramid = null;
        for (int level = c.Levels - 1; level >= 0; level--)
        {
            for (int b = 0; b < c.NumResBlocks + 1; b++)
            {
                var skip = hs[^1];
                hs.RemoveAt(hs.Count - 1);
                hUp = Next<NcsnPpResBlock>().call(cat([hUp, skip], 1), temb);
            }
            if (c.AttnResolutions.Contains((int)hUp.shape[^1]))
            {
                hUp = Next<NcsnPpAttention>().call(hUp);
            }
            if (outputSkip)
            {
                var activated = nn.functional.silu(Next<GroupNorm>().call(hUp));
                var pyramidH = Convolutions.Apply(Next<Conv2d>(), activated);
                pyramid = pyramid is null
                    ? pyramidH
                    : (c.Fir ? FirResampling.Upsample2d(pyramid, c.FirKernel) : FirResampling.NaiveUpsample2d(pyramid)) + pyramidH;
            }
            if (level != 0)
            {
                hUp = Next<NcsnPpResBlock>().call(hUp, temb);
            }
        }

        Tensor output;
        if (outputSkip)
        {
            output = pyramid!;
        }
        else
        {
            var normed = nn.functional.silu(Next<GroupNorm>().call(hUp));
            output = Convolutions.Apply(Next<Conv2d>(), normed);
        }
        if (m != _modules.Count)
        {
            throw new InvalidOperationException($"NCSN++ forward used {m} of {_modules.Count} modules");
        }
        if (c.ScaleBySigma)
        {
            output = output / sigma.to(output.dtype).reshape(-1, 1, 1, 1);
        }
        return output.MoveToOuterDisposeScope();
    }


    /// <summary>A multi-line description: the config, the parameter count and the module count.</summary>
    public string Summary() => $"{Config}\n{ParameterCount:N0} parameters in {_modules.Count} modules";

    /// <summary>Children are registered by their state-dict names in the constructor.</summary>
    protected override void RegisterComponents()
    {
    }
}
