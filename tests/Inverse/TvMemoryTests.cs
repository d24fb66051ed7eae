using Diffusion.Inverse;
using Diffusion.Tests.Support;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>The TV baselines hold no tensors beyond the reconstruction they return.</summary>
[Collection(SerialCollection.Name)]
public class TvMemoryTests
{
    [Fact]
    public void Solvers_LeaveNoLiveTensors()
    {
        var y = TvSolverTests.Shapes8();
        var mask = PixelMask.Box(8, 8, 2, 2, 3, 3);
        var blur = new GaussianBlur(8, 8, 3, 1.0, BlurPadding.Circular);
        var circular = new TotalVariation(TvNorm.Isotropic, DifferenceBoundary.Circular);
        var solvers = new ITvSolver[] { new AdmmTv(5), new HqsTv(5), new AdamTv(5) };
        long before = LiveTensors.Count();
        foreach (var solver in solvers)
        {
            foreach (var problem in new[] { new TvProblem(mask, y, 0.1), new TvProblem(blur, y, 0.1, circular) })
            {
                using var x = solver.Solve(problem).X;
            }
        }
        // TorchSharp 0.107 counts one tensor too many for every Parameter made from a tensor (see TensorAccounting): Adam-TV's
        // optimised image is one, made once per solve, so its 2 solves add 2 to the count without holding any native tensor.
        Assert.Equal(before + 2, LiveTensors.Count());
    }
}
