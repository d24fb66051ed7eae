using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.NnFunctional;

/// <summary>
/// Every functional op against PyTorch 1.13.1 on the same float64 inputs (tests/fixtures/make_functional.py).
/// Tolerance: 1e-10 absolute and relative unless stated (float64 kernels differ only in summation order).
/// </summary>
public class FunctionalValueTests
{
    private const double Tol = 1e-10;
    private static readonly Fixture F = Fixture.Load("functional.json");

    private static Tensor T(string name) => F.Tensor(name);

    [Fact]
    public void Linear_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        TensorAssert.Close(F, "linear_y", Functional.Linear(T("linear_x"), T("linear_w"), T("linear_b")), Tol, Tol);
        TensorAssert.Close(F, "linear_y_nobias", Functional.Linear(T("linear_x"), T("linear_w")), Tol, Tol);
    }

    [Fact]
    public void Conv2d_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        var y = Functional.Conv2d(T("conv_x"), T("conv_w"), T("conv_b"), stride: (2, 1), padding: (1, 2), dilation: (1, 2), groups: 2);
        TensorAssert.Close(F, "conv_y", y, Tol, Tol);
        TensorAssert.Close(F, "conv_y_plain", Functional.Conv2d(T("conv_x"), T("conv_w_plain"), padding: 1), Tol, Tol);
    }

    [Fact]
    public void ConvTranspose2d_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        var y = Functional.ConvTranspose2d(T("convt_x"), T("convt_w"), T("convt_b"), stride: 2, padding: 1, outputPadding: 1);
        TensorAssert.Close(F, "convt_y", y, Tol, Tol);
    }

    [Fact]
    public void GroupNorm_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        TensorAssert.Close(F, "gn_y", Functional.GroupNorm(T("gn_x"), 3, T("gn_w"), T("gn_b")), 1e-9, 1e-9);
        TensorAssert.Close(F, "gn_y_noaffine", Functional.GroupNorm(T("gn_x"), 2), 1e-9, 1e-9);
    }

    [Fact]
    public void LayerNorm_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        TensorAssert.Close(F, "ln_y", Functional.LayerNorm(T("ln_x"), [4, 5], T("ln_w"), T("ln_b")), 1e-9, 1e-9);
    }

    [Fact]
    public void BatchNorm_MatchesPyTorchAndUpdatesRunningStatistics()
    {
        using var scope = new TensorScope();
        var rm = Torch.Zeros([3], DType.Float64);
        var rv = Torch.Zeros([3], DType.Float64) + 1.0;
        var train = Functional.BatchNorm(T("bn_x"), rm, rv, T("bn_w"), T("bn_b"), training: true, momentum: 0.1);
        TensorAssert.Close(F, "bn_y_train", train, 1e-9, 1e-9);
        TensorAssert.Close(F, "bn_running_mean", rm, Tol, Tol);
        TensorAssert.Close(F, "bn_running_var", rv, Tol, Tol);
        TensorAssert.Close(F, "bn_y_eval", Functional.BatchNorm(T("bn_x"), rm, rv, T("bn_w"), T("bn_b")), 1e-9, 1e-9);
    }

    [Fact]
    public void Pooling_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        var x = T("pool_x");
        TensorAssert.Close(F, "avgpool_y", Functional.AvgPool2d(x, 3, stride: 2, padding: 1), Tol, Tol);
        TensorAssert.Close(F, "avgpool_y_nopad", Functional.AvgPool2d(x, 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), Tol, Tol);
        TensorAssert.Close(F, "maxpool_y", Functional.MaxPool2d(x, 2), 0, 0);
        TensorAssert.Close(F, "maxpool_y_dil", Functional.MaxPool2d(x, 2, stride: 1, padding: 1, dilation: 2), 0, 0);
        TensorAssert.Close(F, "apool_y", Functional.AdaptiveAvgPool2d(T("apool_x"), (3, 2)), Tol, Tol);
    }

    [Fact]
    public void Interpolate_MatchesPyTorchForEveryMode()
    {
        using var scope = new TensorScope();
        var x = T("interp_x");
        TensorAssert.Close(F, "interp_nearest_size", Functional.Interpolate(x, size: (7, 9)), 0, 0);
        TensorAssert.Close(F, "interp_nearest_scale", Functional.Interpolate(x, scaleFactor: 2), 0, 0);
        TensorAssert.Close(F, "interp_bilinear_scale", Functional.Interpolate(x, scaleFactor: 1.5, mode: InterpolationMode.Bilinear, alignCorners: false), Tol, Tol);
        TensorAssert.Close(F, "interp_bilinear_align", Functional.Interpolate(x, size: (6, 7), mode: InterpolationMode.Bilinear, alignCorners: true), Tol, Tol);
        TensorAssert.Close(F, "interp_bicubic_size", Functional.Interpolate(x, size: (8, 3), mode: InterpolationMode.Bicubic), Tol, Tol);
    }

    [Fact]
    public void UnfoldAndFold_MatchPyTorch()
    {
        using var scope = new TensorScope();
        var cols = Functional.Unfold(T("unfold_x"), (2, 3), padding: 1, stride: (2, 1));
        TensorAssert.Close(F, "unfold_y", cols, 0, 0);
        TensorAssert.Close(F, "fold_y", Functional.Fold(cols, (4, 5), (2, 3), padding: 1, stride: (2, 1)), Tol, Tol);
    }

    [Fact]
    public void SoftmaxAndLogSoftmax_MatchPyTorch()
    {
        using var scope = new TensorScope();
        TensorAssert.Close(F, "softmax_y", Functional.Softmax(T("sm_x"), 1), Tol, Tol);
        TensorAssert.Close(F, "log_softmax_y", Functional.LogSoftmax(T("sm_x"), 0), Tol, Tol);
    }

    [Theory]
    [InlineData(Reduction.Mean, "mean")]
    [InlineData(Reduction.Sum, "sum")]
    [InlineData(Reduction.None, "none")]
    public void RegressionLosses_MatchPyTorch(Reduction reduction, string suffix)
    {
        using var scope = new TensorScope();
        var a = T("loss_a");
        var b = T("loss_b");
        TensorAssert.Close(F, "mse_" + suffix, Functional.MseLoss(a, b, reduction), Tol, Tol);
        TensorAssert.Close(F, "l1_" + suffix, Functional.L1Loss(a, b, reduction), Tol, Tol);
        TensorAssert.Close(F, "smoothl1_" + suffix, Functional.SmoothL1Loss(a, b, reduction, beta: 0.5), Tol, Tol);
    }

    [Fact]
    public void CrossEntropyAndNll_MatchPyTorch()
    {
        using var scope = new TensorScope();
        var logits = T("ce_logits");
        var targets = T("ce_targets");
        Assert.Equal(DType.Int64, targets.DType);
        TensorAssert.Close(F, "ce_mean", Functional.CrossEntropy(logits, targets), Tol, Tol);
        TensorAssert.Close(F, "ce_smooth", Functional.CrossEntropy(logits, targets, labelSmoothing: 0.1), Tol, Tol);
        TensorAssert.Close(F, "ce_weighted_none", Functional.CrossEntropy(logits, targets, Reduction.None, weight: T("ce_weight")), Tol, Tol);
        TensorAssert.Close(F, "ce_ignore_sum", Functional.CrossEntropy(logits, targets, Reduction.Sum, ignoreIndex: 3), Tol, Tol);
        TensorAssert.Close(F, "ce_img", Functional.CrossEntropy(T("ce_img_logits"), T("ce_img_targets")), Tol, Tol);
        var logp = Functional.LogSoftmax(logits, 1);
        TensorAssert.Close(F, "nll_weighted", Functional.NllLoss(logp, targets, weight: T("ce_weight")), Tol, Tol);
    }

    [Fact]
    public void Embedding_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        TensorAssert.Close(F, "emb_y", Functional.Embedding(T("emb_idx"), T("emb_w")), 0, 0);
    }

    [Fact]
    public void Activations_MatchPyTorch()
    {
        using var scope = new TensorScope();
        var x = T("act_x");
        TensorAssert.Close(F, "relu", x.Relu(), 0, 0);
        TensorAssert.Close(F, "silu", x.Silu(), Tol, Tol);
        TensorAssert.Close(F, "gelu", x.Gelu(), Tol, Tol);
        TensorAssert.Close(F, "gelu_tanh", x.Gelu(approximateTanh: true), Tol, Tol);
        TensorAssert.Close(F, "leaky_relu", x.LeakyRelu(0.2), Tol, Tol);
        TensorAssert.Close(F, "softplus", x.Softplus(beta: 2, threshold: 5), Tol, Tol);
        TensorAssert.Close(F, "elu", x.Elu(0.5), Tol, Tol);
        TensorAssert.Close(F, "mish", x.Mish(), Tol, Tol);
        TensorAssert.Close(F, "silu", Functional.Silu(x), Tol, Tol);
    }
}
