using Diffusion.Ddpm;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Ddpm;

/// <summary>
/// The whole sampling loops against tests/fixtures/make_samplers.py (PyTorch 1.13.1, float64): a tiny linear "model"
/// ε̂ = x W^T + (t / T) u, T = 50 (linear betas). The fixture records x_T and every z the reference loop drew; the test feeds
/// both to the sampler explicitly (a <see cref="NoiseSource"/> that replays the draws in order), so the comparison does not
/// depend on LibTorch 2.10 drawing the same stream as PyTorch 1.13 for a seed. Sums and first values after every 5 steps and
/// the final sample agree to 1e-5 (absolute and relative): the arithmetic is float64 in both, and what differs (fused
/// multiply-adds, the order of the 16-term dot products) moves results by ~1e-15 per step.
/// </summary>
public class SamplerGoldenTests
{
    private const int T = 50;
    private const double Tol = 1e-5;
    private static readonly Fixture F = Fixture.Load("samplers.json");

    private static Tensor TinyModel(Tensor x, Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var w = F.Tensor("W");
        var u = F.Tensor("u");
        var flat = x.reshape(x.shape[0], 16);
        var eps = flat.matmul(w.transpose(0, 1)) + (t.to(float64) / T).unsqueeze(1) * u.unsqueeze(0);
        return eps.reshape(x.shape).MoveToOuterDisposeScope();
    }

    public static TheoryData<string> Cases => new()
    {
        "ddpm_large", "ddpm_small_clip", "ddpm_respaced", "ddim_eta0", "ddim_eta1_trailing", "ddim_eta05_clip_linspace",
    };

    private static Sampler Build(string name)
    {
        var schedule = NoiseSchedule.Linear(T);
        return name switch
        {
            "ddpm_large" => new DdpmSampler(schedule, VarianceType.FixedLarge, clipSample: false),
            "ddpm_small_clip" => new DdpmSampler(schedule, VarianceType.FixedSmall, clipSample: true),
            "ddpm_respaced" => WithSteps(new DdpmSampler(schedule, VarianceType.FixedSmall, clipSample: false), 10),
            "ddim_eta0" => new DdimSampler(schedule, eta: 0, steps: 10),
            "ddim_eta1_trailing" => new DdimSampler(schedule, eta: 1, steps: 10, spacing: TimestepSpacing.Trailing),
            "ddim_eta05_clip_linspace" => new DdimSampler(schedule, eta: 0.5, steps: 7, clipSample: true, spacing: TimestepSpacing.Linspace),
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
        using var scope = torch.NewDisposeScope();
        var sampler = Build(name);
        Assert.Equal(F.Values(name + "_timesteps").Select(v => (int)v), sampler.Timesteps);

        var xT = F.Tensor(name + "_xT");
        var draws = F.Tensor(name + "_noise");
        int used = 0;
        NoiseSource replay = (shape, dtype, device) =>
        {
            Assert.True(used < draws.shape[0], $"{name}: the sampler asked for more draws than the reference loop made ({draws.shape[0]})");
            return draws[used++].to(dtype, device).clone();
        };

        var sums = new List<double>();
        var firsts = new List<double>();
        var x = sampler.Sample(TinyModel, xT, replay, step =>
        {
            if ((step.Index + 1) % 5 == 0 || step.Index + 1 == step.Count)
            {
                sums.Add(step.Sample.sum().item<double>());
                firsts.AddRange(step.Sample.flatten().slice(0, 0, 6, 1).data<double>().ToArray());
            }
        });

        Assert.Equal(draws.shape[0], used);
        TensorAssert.Close(F.Values(name + "_sums"), torch.tensor(sums.ToArray()), Tol, Tol, name + " sums");
        TensorAssert.Close(F.Values(name + "_first"), torch.tensor(firsts.ToArray()), Tol, Tol, name + " first values");
        TensorAssert.Close(F, name + "_final", x, Tol, Tol);
    }
}
