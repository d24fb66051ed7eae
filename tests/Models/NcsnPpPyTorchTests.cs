using Diffusion.IO;
using Diffusion.Models;
using Diffusion.Tests.Support;
using static TorchSharp.torch;

namespace Diffusion.Tests.Models;

/// <summary>
/// NCSN++ against score_sde_pytorch's own <c>models/ncsnpp.py</c> under PyTorch 1.13.1 (tests/fixtures/ncsnpp.json; how it
/// was made: tests/fixtures/README.md): two tiny configurations, one with FIR resampling, progressive input/output and
/// <c>cat</c> combine, one with naive resampling and no pyramids, every state-dict tensor filled from one seeded generator
/// in sorted key order; and a score_sde_pytorch-style checkpoint (DataParallel keys, EMA list) converted by
/// environment/score_sde_to_safetensors.py and loaded by <see cref="NcsnPpCheckpoint"/>.
/// </summary>
public class NcsnPpPyTorchTests
{
    private static readonly NcsnPpConfig Naive = NcsnPpConfig.Tiny with
    {
        Fir = false, Progressive = "none", ProgressiveInput = "none", ProgressiveCombine = "sum", SkipRescale = false,
        Centered = true, ScaleBySigma = false,
    };

    [Theory]
    [InlineData("fir", 5)]
    [InlineData("naive", 6)]
    public void Forward_MatchesTheReferenceImplementation(string name, int seed)
    {
        var f = Fixture.Load("ncsnpp.json");
        using var scope = NewDisposeScope();
        using var model = new NcsnPp(name == "fir" ? NcsnPpConfig.Tiny : Naive);
        model.eval();
        var own = model.state_dict();
        Assert.Equal((long)f.Scalar($"{name}_params"), model.ParameterCount);
        Assert.Equal((int)f.Scalar($"{name}_keys"), own.Count);

        using var g = new Generator((ulong)seed);
        var filled = new Dictionary<string, Tensor>();
        foreach (var key in own.Keys.Order(StringComparer.Ordinal))
        {
            filled[key] = randn(own[key].shape, generator: g) * 0.2;
        }
        StateDicts.Load(model, filled);
        var x = rand([2, 2, 8, 8], generator: g);
        TensorAssert.Close(f, $"{name}_x", x, 0, 0);

        using var noGrad = no_grad();
        var y = model.call(x, tensor(new float[] { 0.05f, 7.0f }));
        TensorAssert.Close(f, $"{name}_y", y, 1e-4, 1e-4);
    }

    [Fact]
    public void ConvertedCheckpoint_LoadsTheEmaWeightsAndGivesTheReferenceOutput()
    {
        var f = Fixture.Load("ncsnpp.json");
        using var scope = NewDisposeScope();
        using var model = new NcsnPp(NcsnPpConfig.Tiny);
        model.eval();
        NcsnPpCheckpoint.Load(model, Path.Combine(AppContext.BaseDirectory, "fixtures", "ncsnpp-tiny-ema.safetensors"));
        using var noGrad = no_grad();
        var y = model.call(f.Tensor("fir_x"), tensor(new float[] { 0.05f, 7.0f }));
        TensorAssert.Close(f, "ema_y", y, 1e-4, 1e-4);
    }

    /// <summary>
    /// The same checkpoint as a .pth written by torch.save of PyTorch 1.13.1 (tests/fixtures/make_pth.py), read without Python:
    /// its EMA list paired with the state dict in the file's own order gives the reference output; its raw 'model' weights
    /// (EMA + 1) do not.
    /// </summary>
    [Fact]
    public void PthCheckpoint_LoadsTheEmaWeightsWithoutPython()
    {
        var f = Fixture.Load("ncsnpp.json");
        string pth = Path.Combine(AppContext.BaseDirectory, "fixtures", "ncsnpp-tiny.pth");
        using var scope = NewDisposeScope();
        using var model = new NcsnPp(NcsnPpConfig.Tiny);
        model.eval();
        NcsnPpCheckpoint.Load(model, pth);
        using var noGrad = no_grad();
        var x = f.Tensor("fir_x");
        var sigma = tensor(new float[] { 0.05f, 7.0f });
        TensorAssert.Close(f, "ema_y", model.call(x, sigma), 1e-4, 1e-4);

        NcsnPpCheckpoint.Load(model, pth, ema: false);
        var raw = model.call(x, sigma);
        Assert.True((raw - f.Tensor("ema_y")).abs().max().item<float>() > 1e-2, "the raw weights should give another output");
        var state = NcsnPpCheckpoint.ReadPth(pth);
        Assert.Equal(226, state.Count);
        Assert.All(state.Keys, k => Assert.StartsWith("module.", k));
    }

    [Fact]
    public void PthReader_RefusesAFileThatIsNotTorchSave()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-a-pth-{Guid.NewGuid():N}.pth");
        File.WriteAllText(path, "hello");
        try
        {
            using var model = new NcsnPp(NcsnPpConfig.Tiny);
            var e = Assert.Throws<InvalidDataException>(() => NcsnPpCheckpoint.ReadPth(path));
            Assert.Contains("zip format", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ConvertedCheckpoint_OfAnotherConfig_FailsNamingTheKeys()
    {
        using var scope = NewDisposeScope();
        using var model = new NcsnPp(NcsnPpConfig.Tiny with { NumResBlocks = 2 });
        var e = Assert.Throws<StateDictMismatchException>(() =>
            NcsnPpCheckpoint.Load(model, Path.Combine(AppContext.BaseDirectory, "fixtures", "ncsnpp-tiny-ema.safetensors")));
        Assert.Contains("all_modules.", e.Message);
    }

    [Fact]
    public void StripPrefix_RemovesDataParallelsPrefixAndRejectsDuplicates()
    {
        using var scope = NewDisposeScope();
        var stripped = NcsnPpCheckpoint.StripPrefix(new Dictionary<string, Tensor> { ["module.sigmas"] = zeros(2), ["all_modules.0.W"] = zeros(3) });
        Assert.Equal(["all_modules.0.W", "sigmas"], stripped.Keys.Order(StringComparer.Ordinal));
        Assert.Throws<ArgumentException>(() => NcsnPpCheckpoint.StripPrefix(new Dictionary<string, Tensor> { ["module.a"] = zeros(1), ["a"] = zeros(1) }));
    }
}
