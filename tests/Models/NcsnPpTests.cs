using System.Diagnostics;
using Diffusion.Models;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Diffusion.Tests.Models;

/// <summary>
/// NCSN++: the FFHQ-256 configuration's state dict equals score_sde_pytorch's (tests/fixtures/ncsnpp-ffhq256-names.txt),
/// one forward and backward pass at 256×256, the small MNIST model's passes, the FIR resampling's closed forms, and errors.
/// </summary>
public class NcsnPpTests(ITestOutputHelper output)
{
    [Fact]
    public void Ffhq256_StateDict_EqualsTheReferenceNamesShapesAndDtypes()
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "ncsnpp-ffhq256-names.txt"))
            .Where(l => l.Length > 0).ToArray();
        using var scope = NewDisposeScope();
        using var model = new NcsnPp(NcsnPpConfig.Ffhq256);
        var actual = model.state_dict()
            .Select(kv => $"{kv.Key}\t{string.Join("x", kv.Value.shape)}\t{kv.Value.dtype.ToString().ToLowerInvariant()}")
            .ToArray();
        Assert.Equal(646, expected.Length);
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        Assert.Equal(65_574_549, model.ParameterCount);
    }

    [Fact]
    public void Ffhq256_ForwardAndBackward_At256_KeepTheShapeAndReachEveryTrainableParameter()
    {
        using var scope = NewDisposeScope();
        var config = NcsnPpConfig.Ffhq256;
        manual_seed(1);
        using var model = new NcsnPp(config);
        model.train();
        var x = rand(1, 3, 256, 256);
        var sigma = tensor(new float[] { 20f });
        var clock = Stopwatch.StartNew();
        var score = model.call(x, sigma);
        double forward = clock.Elapsed.TotalSeconds;
        Assert.Equal(x.shape, score.shape);
        Assert.True(score.isfinite().all().item<bool>());
        var loss = (score * sigma + randn_like(x)).square().sum();
        loss.backward();
        double total = clock.Elapsed.TotalSeconds;
        output.WriteLine($"FFHQ-256 NCSN++ ({model.ParameterCount:N0} parameters), batch 1, 1 thread: forward {forward:F1} s, forward + backward {total:F1} s");
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.requires_grad)
            {
                Assert.True(p.grad is not null, $"{name} got no gradient");
                Assert.True(p.grad!.isfinite().all().item<bool>(), $"{name} has a non-finite gradient");
            }
        }
        // init_scale 0: every block's last convolution starts at 1e-10, yet gradients reach it through the output skip.
        Assert.True(model.named_parameters().Single(kv => kv.name == "all_modules.3.weight").parameter.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void MnistSmall_ForwardBackward_KeepsTheShapeAndDividesBySigma()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = new NcsnPp(NcsnPpConfig.MnistSmall with { InitScale = 1 });
        var x = rand(3, 1, 28, 28);
        var sigma = tensor(new float[] { 0.01f, 1f, 50f });
        var score = model.call(x, sigma);
        Assert.Equal(x.shape, score.shape);
        (score * sigma.reshape(-1, 1, 1, 1)).square().mean().backward();
        Assert.All(model.parameters().Where(p => p.requires_grad), p => Assert.True(p.grad is not null && p.grad.isfinite().all().item<bool>()));

        model.eval();
        using var noGrad = no_grad();
        var unscaled = new NcsnPp(NcsnPpConfig.MnistSmall with { InitScale = 1, ScaleBySigma = false });
        unscaled.load_state_dict(model.state_dict());
        unscaled.eval();
        var body = unscaled.call(x, sigma);
        Assert.True(allclose(model.call(x, sigma) * sigma.reshape(-1, 1, 1, 1), body, 1e-4, 1e-5));
        unscaled.Dispose();
    }

    [Fact]
    public void MnistSmall_Config_RoundTripsThroughJsonWithTheReferenceFieldNames()
    {
        var config = NcsnPpConfig.MnistSmall with { AttnResolutions = [14, 7] };
        string json = config.ToJson();
        Assert.Contains("\"ch_mult\"", json);
        Assert.Contains("\"progressive_input\"", json);
        Assert.Equal(config, NcsnPpConfig.FromJson(json));
        Assert.NotEqual(config, NcsnPpConfig.MnistSmall);
        Assert.Equal(NcsnPpConfig.Ffhq256, NcsnPpConfig.Named("FFHQ-256".Replace("-", "")));
    }

    [Theory]
    [InlineData("image size", "ImageSize 30 must be divisible")]
    [InlineData("resblock", "ResblockType 'ddpm' is not implemented")]
    [InlineData("progressive", "Progressive 'residual' is not implemented")]
    [InlineData("sigma", "need 0 < SigmaMin < SigmaMax")]
    public void Validate_NamesTheBadField(string what, string message)
    {
        var config = what switch
        {
            "image size" => NcsnPpConfig.MnistSmall with { ImageSize = 30 },
            "resblock" => NcsnPpConfig.MnistSmall with { ResblockType = "ddpm" },
            "progressive" => NcsnPpConfig.MnistSmall with { Progressive = "residual" },
            _ => NcsnPpConfig.MnistSmall with { SigmaMin = 60 },
        };
        var e = Assert.Throws<ArgumentException>(() => new NcsnPp(config));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Forward_WithWrongShapes_NamesThem()
    {
        using var scope = NewDisposeScope();
        using var model = new NcsnPp(NcsnPpConfig.Tiny);
        var e = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 1, 8, 8), ones(2)));
        Assert.Contains("[B, 2, 8, 8], got [2, 1, 8, 8]", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.call(zeros(2, 2, 8, 8), ones(3)));
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void FirResampling_MatchesTheClosedFormsOfKernel1331()
    {
        using var scope = NewDisposeScope();
        var x = arange(1, 5, dtype: ScalarType.Float64).reshape(1, 1, 1, 4).expand(1, 1, 2, 4).contiguous();
        // Along W with zero padding: up y[2i] = (x[i-1] + 3x[i]) / 4, y[2i+1] = (3x[i] + x[i+1]) / 4; along H (constant
        // rows 1, 1 padded by zeros) the same weights give 3/4, 1, 1, 3/4.
        double[] row = [3 / 4.0, 5 / 4.0, 7 / 4.0, 9 / 4.0, 11 / 4.0, 13 / 4.0, 15 / 4.0, 12 / 4.0];
        double[] column = [3 / 4.0, 1, 1, 3 / 4.0];
        var up = FirResampling.Upsample2d(x, [1, 3, 3, 1]);
        Assert.Equal([1L, 1, 4, 8], up.shape);
        var expectedUp = tensor(column).reshape(4, 1) * tensor(row).reshape(1, 8);
        Assert.True(allclose(up[0, 0], expectedUp, 0, 1e-12));

        // Down: y[i] = (x[2i-1] + 3x[2i] + 3x[2i+1] + x[2i+2]) / 8 → (0 + 3 + 6 + 3) / 8, (2 + 9 + 12 + 0) / 8; H: 2 rows → (3 + 3) / 8.
        var down = FirResampling.Downsample2d(x, [1, 3, 3, 1]);
        Assert.Equal([1L, 1, 1, 2], down.shape);
        Assert.True(allclose(down[0, 0, 0], tensor(new[] { 12 / 8.0 * 6 / 8.0, 23 / 8.0 * 6 / 8.0 }), 0, 1e-12));

        var naiveUp = FirResampling.NaiveUpsample2d(x);
        Assert.Equal(new double[] { 1, 1, 2, 2, 3, 3, 4, 4 }, naiveUp[0, 0, 3].data<double>().ToArray());
        Assert.Equal(new double[] { 1.5, 3.5 }, FirResampling.NaiveDownsample2d(x)[0, 0, 0].data<double>().ToArray());
        Assert.Throws<ArgumentException>(() => FirResampling.Downsample2d(zeros(1, 1, 3, 4), [1, 3, 3, 1]));
    }
}
