using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>A seeded Generator reproduces torch.Generator().manual_seed(seed) on the CPU (exact for float64, 1e-7 for float32).</summary>
[Collection(SerialCollection.Name)]
public class GeneratorTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Fact]
    public void SeededGenerator_MatchesPyTorchSequence()
    {
        using var scope = new TensorScope();
        using var g = new Generator(1234);
        TensorAssert.Close(F, "gen_randn_f32", Torch.Randn([2, 3], generator: g), 1e-7, 0);
        TensorAssert.Close(F, "gen_rand_f32", Torch.Rand([5], generator: g), 1e-7, 0);
        TensorAssert.Close(F, "gen_randn_f64", Torch.Randn([20], DType.Float64, generator: g), 0, 0);

        g.ManualSeed(42);
        TensorAssert.Close(F, "gen42_randn_big", Torch.Randn([4, 8], generator: g), 1e-7, 0);
        TensorAssert.Close(F, "gen42_randint", Torch.Randint(0, 10, [6], generator: g), 0, 0);
        TensorAssert.Close(F, "gen42_randperm", Torch.Randperm(7, generator: g), 0, 0);
        TensorAssert.Close(F, "gen42_normal", Torch.Normal(2.0, 0.5, [5], generator: g), 1e-7, 0);

        g.ManualSeed(7);
        TensorAssert.Close(F, "gen7_normal_", Torch.Empty([3, 3]).Normal_(1.0, 2.0, g), 1e-6, 0);
        TensorAssert.Close(F, "gen7_uniform_", Torch.Empty([4]).Uniform_(-1.0, 1.0, g), 1e-7, 0);
    }

    [Fact]
    public void SameSeed_SameNumbers_AndGlobalStreamUntouched()
    {
        using var scope = new TensorScope();
        Torch.ManualSeed(5);
        var expectedGlobal = Torch.Randn([4]).ToArray<float>();
        Torch.ManualSeed(5);
        using var g1 = new Generator(99);
        using var g2 = new Generator(99);
        var a = Torch.Randn([8], generator: g1).ToArray<float>();
        var b = Torch.Randn([8], generator: g2).ToArray<float>();
        Assert.Equal(a, b);
        Assert.Equal(expectedGlobal, Torch.Randn([4]).ToArray<float>());
        Assert.Equal(99UL, g1.InitialSeed());
    }

    [Fact]
    public void StateRoundTrip_ReplaysNumbers()
    {
        using var scope = new TensorScope();
        using var g = new Generator(11);
        _ = Torch.Rand([3], generator: g);
        var state = g.GetState();
        var first = Torch.Randn([6], generator: g).ToArray<float>();
        g.SetState(state);
        Assert.Equal(first, Torch.Randn([6], generator: g).ToArray<float>());
    }

    [Fact]
    public void DisposedGenerator_Throws()
    {
        var g = new Generator(1);
        g.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Torch.Randn([2], generator: g));
    }
}
