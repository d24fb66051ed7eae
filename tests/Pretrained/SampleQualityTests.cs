using Diffusion.Data;
using Diffusion.Ddpm;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Pretrained;
using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Tests.Support;
using Diffusion.Training;

namespace Diffusion.Tests.Pretrained;

public class SampleQualityTests
{
    [Fact]
    public void Measure_UntrainedModel_IsFarAboveTheFloorAndFillsTheCard()
    {
        using var scope = NewDisposeScope();
        manual_seed((long)3);
        using var unet = new UNet(UNetConfig.MnistTiny);
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        using var mnist = Mnist.LoadNpm();
        var real = mnist.Images.narrow(0, 0, 64) * 2.0 - 1.0;
        var sampler = new DdimSampler(NoiseSchedule.Linear(1000), eta: 0, steps: 3);

        var quality = SampleQuality.Measure(unet, sampler, "ddim-3", network, real, count: 32, batchSize: 16, seed: 1);

        Assert.Equal(32, quality.Samples);
        Assert.True(double.IsFinite(quality.Fid) && double.IsFinite(quality.FidFloor));
        Assert.True(quality.Fid > 3 * quality.FidFloor, $"noise from an untrained model should be far from digits: FID {quality.Fid}, floor {quality.FidFloor}");
        var card = new ModelCard();
        quality.WriteTo(card);
        Assert.Equal("ddim-3", card.Metrics["sampler"]!.GetValue<string>());
        Assert.Equal(32, card.Metrics["fid_samples"]!.GetValue<int>());
    }

    [Fact]
    public void Measure_NeedsTwiceTheSamplesInRealImagesForTheFloor()
    {
        using var scope = NewDisposeScope();
        using var unet = new UNet(UNetConfig.MnistTiny);
        using var network = FeatureNetwork.Load(Repository.FidNetwork);
        var real = zeros([10, 1, 28, 28]);
        var e = Assert.Throws<ArgumentException>(() =>
            SampleQuality.Measure(unet, new DdimSampler(NoiseSchedule.Linear(1000), steps: 2), "ddim-2", network, real, count: 8));
        Assert.Contains("16 real images", e.Message);
    }
}
