using Diffusion.Inverse;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Diffusion.Tests.Inverse;

/// <summary>The TV baselines: CG against a dense solve, FFT against CG, the three solvers reaching one minimum, ADMM's descent, errors.</summary>
public class TvSolverTests(ITestOutputHelper output)
{
    /// <summary>Two 8×8 piecewise-constant images in [−1, 1] (a square and an L) in float64.</summary>
    internal static Tensor Shapes8()
    {
        var x = full([2, 1, 8, 8], -1.0, ScalarType.Float64);
        x[0, 0, TensorIndex.Slice(2, 6), TensorIndex.Slice(3, 7)] = tensor(1.0);
        x[1, 0, TensorIndex.Slice(1, 7), TensorIndex.Slice(1, 3)] = tensor(1.0);
        x[1, 0, TensorIndex.Slice(5, 7), TensorIndex.Slice(1, 7)] = tensor(1.0);
        return x;
    }

    [Fact]
    public void ConjugateGradient_MatchesDenseSolvePerImage()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(31);
        // K_n = M_n M_nᵀ + ½ I, SPD, a different 16×16 matrix for each of 3 "images" [1, 4, 4]; the third right-hand side is 0.
        var m = randn([3, 16, 16], ScalarType.Float64, generator: generator);
        var k = matmul(m, m.transpose(1, 2)) + 0.5 * eye(16, dtype: ScalarType.Float64);
        var b = randn([3, 1, 4, 4], ScalarType.Float64, generator: generator);
        b[2] = zeros(1, 4, 4, ScalarType.Float64);
        Tensor Apply(Tensor x) => matmul(k, x.reshape(3, 16, 1)).reshape(x.shape);

        var result = ConjugateGradient.Solve(Apply, b, tolerance: 1e-12, maxIterations: 200);
        var dense = torch.linalg.solve(k, b.reshape(3, 16, 1)).reshape(b.shape);
        double error = (result.X - dense).abs().max().item<double>();
        output.WriteLine($"CG iterations {result.Iterations}, residuals {string.Join(", ", result.RelativeResiduals)}, max |x − x*| {error:G3}");
        Assert.All(result.RelativeResiduals, r => Assert.True(r < 1e-11));
        Assert.True(error < 1e-9 * Math.Max(1, dense.abs().max().item<double>()), $"max |x − x*| = {error:G3}");
        Assert.Equal(0, result.X[2].abs().max().item<double>());
        // 16 unknowns: exact arithmetic needs at most 16 steps; rounding on these condition numbers costs a few more.
        Assert.InRange(result.Iterations, 1, 60);

        Assert.Throws<ArgumentOutOfRangeException>(() => ConjugateGradient.Solve(Apply, b, tolerance: 0));
        var e = Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(Apply, b, zeros(3, 16)));
        Assert.Contains("[3, 16]", e.Message);
        Assert.Contains("[3, 1, 4, 4]", e.Message);
    }

    [Fact]
    public void FourierSolve_EqualsConjugateGradientOnCircularBlur()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(32);
        var blur = new GaussianBlur(8, 8, 5, 1.0, BlurPadding.Circular);
        var tv = new TotalVariation(TvNorm.Isotropic, DifferenceBoundary.Circular);
        var fourier = new FourierQuadraticSolver(blur, tv, 8, 8);
        // l̂(u, v) = 4 − 2cos(2πu/8) − 2cos(2πv/8), the circular Laplacian's eigenvalues.
        var u = arange(8, ScalarType.Float64) * (2 * Math.PI / 8);
        var expectedL = 4 - 2 * u.cos().unsqueeze(1) - 2 * u.cos().unsqueeze(0);
        Assert.True((fourier.LHat - expectedL).abs().max().item<double>() < 1e-12);

        const double rho = 0.7;
        var b = randn([2, 1, 8, 8], ScalarType.Float64, generator: generator);
        Tensor Apply(Tensor x) => blur.Adjoint(blur.Forward(x)) + rho * tv.Laplacian(x);
        var viaFft = fourier.Solve(b, rho);
        var viaCg = ConjugateGradient.Solve(Apply, b, tolerance: 1e-13, maxIterations: 500);
        double difference = (viaFft - viaCg.X).abs().max().item<double>();
        double residual = (Apply(viaFft) - b).abs().max().item<double>();
        output.WriteLine($"|x_FFT − x_CG| {difference:G3} (CG {viaCg.Iterations} iterations), |K x_FFT − b| {residual:G3}");
        Assert.True(difference < 1e-10, $"FFT and CG differ by {difference:G3}");
        Assert.True(residual < 1e-12, $"the FFT solution's residual is {residual:G3}");
    }

    [Fact]
    public void QuadraticStep_UsesFftExactlyWhereTheSystemIsCirculant()
    {
        using var scope = NewDisposeScope();
        var y = zeros([1, 1, 8, 8], ScalarType.Float64);
        var circular = new TotalVariation(TvNorm.Isotropic, DifferenceBoundary.Circular);
        var neumann = new TotalVariation(TvNorm.Isotropic, DifferenceBoundary.Neumann);
        QuadraticSolve Auto(MeasurementOperator a, TotalVariation tv) => new QuadraticStep(new TvProblem(a, y, 0.1, tv), QuadraticSolve.Auto, 1e-6, 50).Method;
        Assert.Equal(QuadraticSolve.Fourier, Auto(new GaussianBlur(8, 8, 5, 1.0, BlurPadding.Circular), circular));
        Assert.Equal(QuadraticSolve.Fourier, Auto(new IdentityOperator(), circular));
        Assert.Equal(QuadraticSolve.ConjugateGradient, Auto(new GaussianBlur(8, 8, 5, 1.0, BlurPadding.Circular), neumann));
        Assert.Equal(QuadraticSolve.ConjugateGradient, Auto(new GaussianBlur(8, 8, 5, 1.0, BlurPadding.Reflect), circular));
        Assert.Equal(QuadraticSolve.ConjugateGradient, Auto(PixelMask.Box(8, 8, 2, 2, 3, 3), circular));
        var e = Assert.Throws<ArgumentException>(() => new QuadraticStep(new TvProblem(PixelMask.Box(8, 8, 2, 2, 3, 3), y, 0.1, circular), QuadraticSolve.Fourier, 1e-6, 50));
        Assert.Contains("conjugate gradient", e.Message);
    }

    public static TheoryData<string> Problems => new() { "denoise-fft", "mask-cg" };

    private static TvProblem MakeProblem(string name)
    {
        using var generator = new Generator(33);
        var clean = Shapes8();
        var (a, tv) = name == "denoise-fft"
            ? ((MeasurementOperator)new IdentityOperator(), new TotalVariation(TvNorm.Isotropic, DifferenceBoundary.Circular, epsilon: 1e-3))
            : (PixelMask.RandomPixels(8, 8, 0.6, generator), new TotalVariation(TvNorm.Isotropic, DifferenceBoundary.Neumann, epsilon: 1e-3));
        var y = a.Measure(clean, 0.3, generator);
        return new TvProblem(a, y, 0.4, tv);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void AdamHqsAndAdmm_ReachTheSameMinimum(string name)
    {
        using var scope = NewDisposeScope();
        var problem = MakeProblem(name);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var admm = new AdmmTv(iterations: 120, rho: 2.0).Solve(problem);
        long admmMs = watch.ElapsedMilliseconds;
        watch.Restart();
        var hqs = new HqsTv(iterations: 100, mu0: 0.2, muGrowth: 1.1, muMax: 1e4).Solve(problem);
        long hqsMs = watch.ElapsedMilliseconds;
        watch.Restart();
        var adam = new AdamTv(iterations: 400, learningRate: 0.03, cosineDecay: true).Solve(problem);
        long adamMs = watch.ElapsedMilliseconds;
        double fAdmm = admm.Objective[^1], fHqs = hqs.Objective[^1], fAdam = adam.Objective[^1];
        output.WriteLine($"{name}: F_0 {admm.Objective[0]:F6}; ADMM {fAdmm:F8} ({admm.XStep}, {admm.CgIterations} CG, {admmMs} ms), "
            + $"HQS {fHqs:F8} ({hqs.CgIterations} CG, {hqsMs} ms), Adam {fAdam:F8} ({adamMs} ms); "
            + $"|x_HQS − x_ADMM| {(hqs.X - admm.X).abs().max().item<double>():G3}, |x_Adam − x_ADMM| {(adam.X - admm.X).abs().max().item<double>():G3}");
        Assert.Equal(name == "denoise-fft" ? QuadraticSolve.Fourier : QuadraticSolve.ConjugateGradient, admm.XStep);
        // ADMM is the reference (converges for any ρ); neither other method gets below it, and HQS's finite μ and Adam's ε-smoothing
        // and step size leave a small excess (measured: HQS 1.0e-3 denoising, 1.8e-3 masking; Adam 1.6e-4 and 1.7e-4).
        Assert.InRange(fHqs, fAdmm * (1 - 1e-5), fAdmm * (1 + 3e-3));
        Assert.InRange(fAdam, fAdmm * (1 - 1e-5), fAdmm * (1 + 1e-3));
        Assert.True(fAdmm < 0.7 * admm.Objective[0]);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void Admm_ObjectiveDecreases(string name)
    {
        using var scope = NewDisposeScope();
        var problem = MakeProblem(name);
        var f = new AdmmTv(iterations: 60, rho: 1.0).Solve(problem).Objective;
        output.WriteLine(string.Join(" ", f.Select(v => v.ToString("F6"))));
        // Non-increasing in every window of 5 iterations (ADMM is not a descent method step by step, but is on this scale).
        for (int k = 5; k < f.Length; k += 5)
        {
            Assert.True(f[k] <= f[k - 5] + 1e-9, $"F rose from {f[k - 5]:R} at {k - 5} to {f[k]:R} at {k}");
        }
        Assert.True(f[^1] < 0.7 * f[0]);
    }

    [Fact]
    public void Problem_ThrowsClearErrorsForBadInput()
    {
        using var scope = NewDisposeScope();
        var mask = PixelMask.Box(8, 8, 2, 2, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => new TvProblem(mask, zeros(1, 1, 4, 4), 0.1, imageShape: [1, 1, 8, 8]));
        Assert.Contains("[1, 1, 4, 4]", e.Message);
        Assert.Contains("[1, 1, 8, 8]", e.Message);
        var pool = new AveragePoolDownsample(8, 8, 2);
        e = Assert.Throws<ArgumentException>(() => new TvProblem(pool, zeros(1, 1, 8, 8), 0.1, imageShape: [1, 1, 8, 8]));
        Assert.Contains("[1, 1, 8, 8]", e.Message);
        Assert.Contains("[1, 1, 4, 4]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TvProblem(mask, zeros(1, 1, 8, 8), -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TvProblem(mask, zeros(1, 1, 8, 8), double.NaN));
        var problem = new TvProblem(mask, zeros(1, 1, 8, 8), 0.1);
        e = Assert.Throws<ArgumentException>(() => new AdmmTv(5).Solve(problem, zeros(2, 1, 8, 8)));
        Assert.Contains("[2, 1, 8, 8]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdmmTv(5, rho: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HqsTv(5, mu0: 1, muGrowth: 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamTv(5, learningRate: -1));
    }

    [Fact]
    public void Downsampling_UsesCgAndRecoversTheRightShape()
    {
        using var scope = NewDisposeScope();
        var pool = new AveragePoolDownsample(8, 8, 2);
        var y = pool.Forward(Shapes8());
        var problem = new TvProblem(pool, y, 0.05, imageShape: [2, 1, 8, 8]);
        var result = new AdmmTv(30, rho: 1.0).Solve(problem);
        Assert.Equal([2L, 1, 8, 8], result.X.shape);
        Assert.Equal(QuadraticSolve.ConjugateGradient, result.XStep);
        Assert.True(result.Objective[^1] < result.Objective[0]);
    }
}
