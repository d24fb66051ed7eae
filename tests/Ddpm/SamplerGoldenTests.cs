using Diffusion.Ddpm;
using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Ddpm;

/// <summary>
/// The whole sampling loops against tests/fixtures/make_samplers.py (PyTorch 1.13.1, float64): a tiny linear "model"
/// ε̂ = x W^T + (t / T) u, T = 50 (linear betas), the same seeded generator for x_T and the per-step noise.
/// Sums and first values after every 5 steps and the final sample agree to 1e-5 (absolute and relative).
/// </summary>
public class SamplerGoldenTests
{
    private const int T = 50;
    private const double Tol = 1e-5;
    private static readonly Fixture F = Fixture.Load("samplers.json");
    private static readonly long[] Shape = [2, 1, 4, 4];

    private static Tensor TinyModel(Tensor x, Tensor t)
    {
        using var scope = new TensorScope();
        var w = F.Tensor("W");
        var u = F.Tensor("u");
        var flat = x.Reshape(x.Size(0), 16);
        var eps = flat.MatMul(w.Transpose(0, 1)) + (t.To(DType.Float64) / T).Unsqueeze(1) * u.Unsqueeze(0);
        return scope.Keep(eps.Reshape(x.Shape));
    }

    public static TheoryData<string> Cases => new()
    {
        "ddpm_large", "ddpm_small_clip", "ddpm_respaced", "ddim_eta0", "ddim_eta1_trailing", "ddim_eta05_clip_linspace",
    };

    private static (Sampler Sampler, ulong Seed) Build(string name)
    {
        var schedule = NoiseSchedule.Linear(T);
        return name switch
        {
            "ddpm_large" => (new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: false), 7),
            "ddpm_small_clip" => (new DdpmSampler(schedule, VarianceType.FixedSmall, clipSample: true), 8),
            "ddpm_respaced" => (WithSteps(new DdpmSampler(schedule, VarianceType.FixedSmall, clipSample: false), 10), 9),
            "ddim_eta0" => (new DdimSampler(schedule, eta: 0, steps: 10), 10),
            "ddim_eta1_trailing" => (new DdimSampler(schedule, eta: 1, steps: 10, spacing: TimestepSpacing.Trailing), 11),
            "ddim_eta05_clip_linspace" => (new DdimSampler(schedule, eta: 0.5, steps: 7, clipSample: true, spacing: TimestepSpacing.Linspace), 12),
            _ => throw new ArgumentException(name),
        };
    }

    private static Sampler WithSteps(Sampler s, int count)
    {
        s.SetTimesteps(count);
        return s;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SamplingLoop_MatchesPyTorchGoldenValues(string name)
    {
        using var scope = new TensorScope();
        var (sampler, seed) = Build(name);
        Assert.Equal(F.Values(name + "_timesteps").Select(v => (int)v), sampler.Timesteps);

        var sums = new List<double>();
        var firsts = new List<double>();
        using var g = new Generator(seed);
        var x = sampler.Sample(TinyModel, Shape, g, step =>
        {
            if ((step.Index + 1) % 5 == 0 || step.Index + 1 == step.Count)
            {
                sums.Add(step.Sample.Sum().ToDouble());
                firsts.AddRange(step.Sample.Flatten().Slice(0, 0, 6).ToArray<double>());
            }
        }, dtype: DType.Float64);

        TensorAssert.Close(F.Values(name + "_sums"), Torch.FromArray(sums.ToArray()), Tol, Tol, name + " sums");
        TensorAssert.Close(F.Values(name + "_first"), Torch.FromArray(firsts.ToArray()), Tol, Tol, name + " first values");
        TensorAssert.Close(F, name + "_final", x, Tol, Tol);
    }
}
