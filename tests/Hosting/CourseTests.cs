using Diffusion.Engine;
using Diffusion.Hosting;
using Diffusion.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Hosting;

/// <summary>A notebook's opening and closing: <see cref="Course.Start"/> and <see cref="Course.End(object?[])"/>.</summary>
[Collection(SerialCollection.Name)]
public class CourseTests
{
    [Fact]
    public void End_DisposesWhatItIsGiven_InsideListsDictionariesAndTuples()
    {
        var course = Course.Start(threads: 1);
        Assert.Equal(1, TorchEngine.Threads);
        var single = randn(3);
        List<Tensor> list = [randn(2), randn(2)];
        var dictionary = new Dictionary<string, Tensor> { ["a"] = randn(4) };
        var tuple = (randn(1), randn(1));
        var linear = TensorAccounting.Settle(nn.Linear(2, 2));
        course.End(single, list, dictionary, tuple, linear, "a string is not a collection to dispose", null);
        Assert.All(new[] { single, list[0], list[1], dictionary["a"], tuple.Item1, tuple.Item2 }, t => Assert.True(t.IsInvalid));
    }

    [Fact]
    public void End_Throws_WhenATensorIsStillHeld_UnlessItIsTheDeclaredSurplus()
    {
        var course = Course.Start(threads: 1);
        using var forgotten = randn(2);
        var error = Assert.Throws<InvalidOperationException>(() => course.End());
        Assert.Contains("1 tensors are still held", error.Message);
        course.End(surplus: 1);
    }

    [Fact]
    public void Start_SeedsTheGlobalGenerator()
    {
        Course.Start(threads: 1, seed: 5);
        using var a = randn(3);
        manual_seed(5);
        using var b = randn(3);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
    }
}
