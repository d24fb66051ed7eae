using TorchSharp;
using static TorchSharp.torch;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Training;

/// <summary>Training runs in flat memory (reads the process-wide live-tensor count, so serial).</summary>
[Collection(SerialCollection.Name)]
public class TrainerMemoryTests
{
    [Fact]
    public void LiveTensorCount_StaysFlatOverHundredsOfSteps()
    {
        using var data = TinyRun.Data();
        using var model = new TinyNet(1);
        using var t = TinyRun.Trainer(model, data, TinyRun.Options(null, 300));
        for (int i = 0; i < 10; i++)
        {
            t.TrainStep();
        }
        long after10 = LiveTensors.Count();
        for (int i = 0; i < 290; i++)
        {
            t.TrainStep();
        }
        Assert.Equal(after10, LiveTensors.Count());
        Assert.Equal(300, t.Step);
    }
}
