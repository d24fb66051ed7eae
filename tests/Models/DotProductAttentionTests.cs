using Diffusion.Engine;
using Diffusion.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Tests.Models;

public class DotProductAttentionTests
{
    [Theory]
    [InlineData(3, 1, 64, 49)]
    [InlineData(2, 4, 16, 196)]
    [InlineData(1, 1, 8, 1)]
    public void Fused_MatchesTheExplicitSoftmax_ValuesAndGradients(int batch, int heads, int d, int length)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(9);
        var q = randn([batch, heads, d, length], generator: g);
        var k = randn([batch, heads, d, length], generator: g);
        var v = randn([batch, heads, d, length], generator: g);
        var upstream = randn([batch, heads, d, length], generator: g);
        var (qf, kf, vf) = (q.clone().requires_grad_(), k.clone().requires_grad_(), v.clone().requires_grad_());
        var (qe, ke, ve) = (q.clone().requires_grad_(), k.clone().requires_grad_(), v.clone().requires_grad_());
        var fused = DotProductAttention.ChannelsFirst(qf, kf, vf);
        var reference = DotProductAttention.Explicit(qe, ke, ve);
        (fused * upstream).sum().backward();
        (reference * upstream).sum().backward();
        Assert.Equal(reference.shape, fused.shape);
        Assert.InRange((fused - reference).abs().max().item<float>(), 0, 1e-5f);
        foreach (var (a, b) in new[] { (qf, qe), (kf, ke), (vf, ve) })
        {
            Assert.InRange((a.grad! - b.grad!).abs().max().item<float>(), 0, 1e-5f);
        }
    }

    [Fact]
    public void Explicit_IsTheSoftmaxWeightedAverageOfTheValues()
    {
        // One query, two keys: weights softmax(q·k / √d) by hand.
        using var scope = NewDisposeScope();
        var q = tensor(new float[] { 1, 0 }).reshape(1, 1, 2, 1).expand(1, 1, 2, 2).contiguous();
        var k = tensor(new float[] { 1, 0, 0, 2 }).reshape(1, 1, 2, 2);   // k_0 = (1, 0), k_1 = (0, 2)
        var v = tensor(new float[] { 10, 20, 30, 40 }).reshape(1, 1, 2, 2);   // v_0 = (10, 30), v_1 = (20, 40)
        double w0 = Math.Exp(1 / Math.Sqrt(2)) / (Math.Exp(1 / Math.Sqrt(2)) + 1);
        var o = DotProductAttention.Explicit(q, k, v);
        Assert.Equal(w0 * 10 + (1 - w0) * 20, o[0, 0, 0, 0].item<float>(), 4);
        Assert.Equal(w0 * 30 + (1 - w0) * 40, o[0, 0, 1, 0].item<float>(), 4);
    }

    [Fact]
    public void MismatchedShapes_AreNamed()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => DotProductAttention.ChannelsFirst(zeros(1, 1, 4, 9), zeros(1, 1, 4, 8), zeros(1, 1, 4, 9)));
        Assert.Contains("[1, 1, 4, 8]", error.Message, StringComparison.Ordinal);
    }
}
