using Diffusion.Tensors;
using Diffusion.Tests.Support;

namespace Diffusion.Tests.Tensors;

/// <summary>Reductions over dimensions against PyTorch 1.13.1 on a float64 [2, 3, 4] input (atol 1e-12, rtol 1e-10).</summary>
public class ReduceTests
{
    private static readonly Fixture F = Fixture.Load("ops.json");

    [Theory]
    [InlineData("sum_1")]
    [InlineData("sum_02_keep")]
    [InlineData("mean_2")]
    [InlineData("mean_01")]
    [InlineData("var_1")]
    [InlineData("var_all")]
    [InlineData("var_2_biased_keep")]
    [InlineData("std_1")]
    [InlineData("std_all_biased")]
    [InlineData("max_all")]
    [InlineData("min_all")]
    [InlineData("argmax_all")]
    [InlineData("argmax_2")]
    [InlineData("argmin_0k")]
    [InlineData("norm_all")]
    [InlineData("norm_1_dim2")]
    [InlineData("norm_inf_01k")]
    [InlineData("prod_1")]
    [InlineData("prod_all")]
    [InlineData("logsumexp_2")]
    [InlineData("logsumexp_01k")]
    [InlineData("cumsum_1")]
    [InlineData("cumprod_2")]
    [InlineData("all_gt")]
    [InlineData("any_gt")]
    [InlineData("any_gt_1")]
    public void Reduction_MatchesPyTorch(string name)
    {
        using var scope = new TensorScope();
        var big = F.Tensor("big");
        Tensor actual = name switch
        {
            "sum_1" => big.Sum(1),
            "sum_02_keep" => big.Sum([0, 2], keepDim: true),
            "mean_2" => big.Mean(2),
            "mean_01" => big.Mean([0, 1]),
            "var_1" => big.Var([1]),
            "var_all" => big.Var(),
            "var_2_biased_keep" => big.Var([2], unbiased: false, keepDim: true),
            "std_1" => big.Std([1]),
            "std_all_biased" => big.Std(unbiased: false),
            "max_all" => big.Max(),
            "min_all" => big.Min(),
            "argmax_all" => big.Argmax(),
            "argmax_2" => big.Argmax(2),
            "argmin_0k" => big.Argmin(0, keepDim: true),
            "norm_all" => big.Norm(),
            "norm_1_dim2" => big.Norm(1, [2]),
            "norm_inf_01k" => big.Norm(double.PositiveInfinity, [0, 1], keepDim: true),
            "prod_1" => big.Prod(1),
            "prod_all" => big.Prod(),
            "logsumexp_2" => big.LogSumExp([2]),
            "logsumexp_01k" => big.LogSumExp([0, 1], keepDim: true),
            "cumsum_1" => big.CumSum(1),
            "cumprod_2" => big.CumProd(2),
            "all_gt" => big.Gt(-3).All(),
            "any_gt" => big.Gt(2).Any(),
            "any_gt_1" => big.Gt(1).Any(1),
            _ => throw new ArgumentException(name),
        };
        TensorAssert.Close(F, name, actual, 1e-12, 1e-10);
    }

    [Fact]
    public void MaxMinAlongDim_ReturnValuesAndIndices()
    {
        using var scope = new TensorScope();
        var big = F.Tensor("big");
        var (values, indices) = big.Max(1);
        TensorAssert.Close(F, "max_1_v", values, 0, 0);
        TensorAssert.Close(F, "max_1_i", indices, 0, 0);
        Assert.Equal(DType.Int64, indices.DType);
        var (minValues, minIndices) = big.Min(2, keepDim: true);
        TensorAssert.Close(F, "min_2k_v", minValues, 0, 0);
        TensorAssert.Close(F, "min_2k_i", minIndices, 0, 0);
    }

    [Fact]
    public void SortAndTopK_AreConsistent()
    {
        using var scope = new TensorScope();
        var t = Torch.FromArray(new double[] { 3, 1, 4, 1, 5, 9, 2, 6 });
        var (sorted, order) = t.Sort(descending: true);
        Assert.Equal(new double[] { 9, 6, 5, 4, 3, 2, 1, 1 }, sorted.ToArray<double>());
        Assert.Equal(new long[] { 5, 7, 4, 2, 0, 6 }, order.ToArray<long>().Take(6));
        var (top, at) = t.TopK(3);
        Assert.Equal(new double[] { 9, 6, 5 }, top.ToArray<double>());
        Assert.Equal(new long[] { 5, 7, 4 }, at.ToArray<long>());
        Assert.Equal(new double[] { 9 }, t.Amax([0], keepDim: true).ToArray<double>());
        Assert.Equal(1.0, t.Amin([0]).ToDouble());
    }

    [Fact]
    public void ExistingSumAndMean_StillReduceEverything()
    {
        using var scope = new TensorScope();
        var big = F.Tensor("big");
        Assert.Equal(big.Sum([0, 1, 2]).ToDouble(), big.Sum().ToDouble(), 12);
        Assert.Equal(big.Mean([0, 1, 2]).ToDouble(), big.Mean().ToDouble(), 12);
    }
}
