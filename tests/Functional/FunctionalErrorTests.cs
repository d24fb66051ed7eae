using Diffusion.Tensors;

namespace Diffusion.Tests.NnFunctional;

/// <summary>Bad shapes and arguments give a <see cref="TorchException"/> (or an argument exception) that names the shapes involved.</summary>
public class FunctionalErrorTests
{
    [Fact]
    public void Conv2d_ThrowsForMismatchedChannels_NamingBothShapes()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([1, 3, 8, 8]);
        var w = Torch.Zeros([4, 2, 3, 3]);
        var e = Assert.Throws<TorchException>(() => Functional.Conv2d(x, w));
        Assert.Contains("conv2d", e.Message);
        Assert.Contains("[1, 3, 8, 8]", e.Message);
        Assert.Contains("[4, 2, 3, 3]", e.Message);
    }

    [Fact]
    public void Linear_ThrowsForMismatchedFeatures_NamingBothShapes()
    {
        using var scope = new TensorScope();
        var e = Assert.Throws<TorchException>(() => Functional.Linear(Torch.Zeros([2, 5]), Torch.Zeros([3, 4]), Torch.Zeros([3])));
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[3, 4]", e.Message);
    }

    [Fact]
    public void GroupNorm_ThrowsWhenGroupsDoNotDivideChannels()
    {
        using var scope = new TensorScope();
        var e = Assert.Throws<TorchException>(() => Functional.GroupNorm(Torch.Zeros([2, 6, 4, 4]), 4));
        Assert.Contains("[2, 6, 4, 4]", e.Message);
    }

    [Fact]
    public void Losses_ThrowForMismatchedShapes_NamingBothShapes()
    {
        using var scope = new TensorScope();
        var e = Assert.Throws<TorchException>(() => Functional.MseLoss(Torch.Zeros([2, 3]), Torch.Zeros([4, 5])));
        Assert.Contains("[2, 3] and [4, 5]", e.Message);
        var logits = Torch.Zeros([4, 3]);
        var targets = Torch.FromArray(new long[] { 0, 1 });
        var ce = Assert.Throws<TorchException>(() => Functional.CrossEntropy(logits, targets));
        Assert.Contains("[4, 3] and [2]", ce.Message);
    }

    [Fact]
    public void Interpolate_RejectsAmbiguousOrBadArguments()
    {
        using var scope = new TensorScope();
        var x = Torch.Zeros([1, 1, 4, 4]);
        Assert.Throws<ArgumentException>(() => Functional.Interpolate(x));
        Assert.Throws<ArgumentException>(() => Functional.Interpolate(x, size: 3, scaleFactor: 2));
        Assert.Throws<ArgumentException>(() => Functional.Interpolate(x, size: 3, alignCorners: true));
        var e = Assert.Throws<ArgumentException>(() => Functional.Interpolate(Torch.Zeros([4, 4]), size: 3));
        Assert.Contains("[4, 4]", e.Message);
    }
}
