using Diffusion.Sde;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Sde;

public class DormandPrinceDtypeTests
{
    /// <summary>A float32 state (the samplers' default dtype) integrates too: y' = −y from y(0) = 1 gives y(1) = e^{−1}.</summary>
    [Fact]
    public void Float32State_Integrates()
    {
        using var scope = torch.NewDisposeScope();
        var y0 = torch.ones([2, 3], dtype: ScalarType.Float32);
        var solution = DormandPrince.Solve((t, y) => -y, y0, 0, 1, rtol: 1e-5, atol: 1e-5);
        Assert.Equal(ScalarType.Float32, solution.Y.dtype);
        Assert.True(solution.Y.allclose(torch.full([2, 3], Math.Exp(-1), dtype: ScalarType.Float32), 1e-4, 1e-5));
    }
}
