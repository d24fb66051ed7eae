using Diffusion.Tensors;

namespace Diffusion.Tests.Support;

/// <summary>Which autograd path <see cref="GradCheck"/> reads the analytic gradient from.</summary>
public enum GradPath
{
    /// <summary><see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool, bool, bool)"/> (torch.autograd.grad).</summary>
    AutogradGrad,

    /// <summary><see cref="Tensor.Backward"/> followed by <see cref="Tensor.Grad"/> on each input.</summary>
    Backward,
}

/// <summary>The worst disagreement found by <see cref="GradCheck.Compare"/>.</summary>
/// <param name="MaxAbsError">max |analytic - numeric| over all elements of all inputs.</param>
/// <param name="WorstInput">The input index holding the worst element relative to its tolerance.</param>
/// <param name="WorstIndex">Its flat (row-major) element index.</param>
/// <param name="Analytic">The autograd derivative there.</param>
/// <param name="Numeric">The central difference there.</param>
/// <param name="Passed">True when every element is within atol + rtol |numeric|.</param>
/// <param name="Elements">How many derivatives were compared.</param>
public sealed record GradCheckReport(double MaxAbsError, int WorstInput, long WorstIndex, double Analytic, double Numeric, bool Passed, long Elements)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(Passed ? "passed" : "FAILED")}: {Elements} derivatives, max |analytic - numeric| = {MaxAbsError:G3}; worst at input {WorstInput}, element {WorstIndex}: " +
        $"analytic {Analytic:R}, numeric {Numeric:R}";
}

/// <summary>
/// Finite-difference gradient checking in float64, like <c>torch.autograd.gradcheck</c>. For a function f of several tensors it
/// compares the gradient autograd computes with central differences (f(x + ε e_k) - f(x - ε e_k)) / 2ε, element by element.
/// A non-scalar output y is first projected to the scalar sum(y ⊙ R) with fixed pseudo-random weights R (seeded), so every
/// output element contributes with a different weight (a plain sum would hide errors, e.g. softmax's sum is constant).
/// Defaults, as PyTorch's gradcheck: ε = 1e-6, atol = 1e-5, rtol = 1e-3; the check passes when
/// |analytic - numeric| ≤ atol + rtol |numeric| for every element. Inputs are converted to float64; keep them small
/// (each element costs two evaluations of f) and away from kinks of non-smooth functions (relu at 0, max ties).
/// </summary>
public static class GradCheck
{
    /// <summary>Default finite-difference step.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>Default absolute tolerance.</summary>
    public const double AbsoluteTolerance = 1e-5;

    /// <summary>Default relative tolerance.</summary>
    public const double RelativeTolerance = 1e-3;

    /// <summary>Asserts (xunit) that autograd's gradient of <paramref name="f"/> matches central differences for every input.</summary>
    public static GradCheckReport Verify(Func<Tensor[], Tensor> f, params Tensor[] inputs) => Verify(f, GradPath.AutogradGrad, inputs);

    /// <summary>Asserts (xunit) the check, reading the analytic gradient through <paramref name="path"/>.</summary>
    public static GradCheckReport Verify(Func<Tensor[], Tensor> f, GradPath path, params Tensor[] inputs)
    {
        var report = Compare(f, inputs, path);
        Assert.True(report.Passed, "gradient check " + report);
        return report;
    }

    /// <summary>Runs the comparison and returns the worst disagreement (no assertion).</summary>
    public static GradCheckReport Compare(Func<Tensor[], Tensor> f, Tensor[] inputs, GradPath path = GradPath.AutogradGrad, double eps = Epsilon,
        double atol = AbsoluteTolerance, double rtol = RelativeTolerance)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = new TensorScope();
        var values = new double[inputs.Length][];
        var shapes = new long[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            values[i] = inputs[i].To(DType.Float64).ToArray<double>();
            shapes[i] = inputs[i].Shape;
        }

        // Analytic gradients of the projected scalar.
        var leaves = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            leaves[i] = Torch.FromSpan<double>(values[i], shapes[i]).RequiresGrad_();
        }
        Tensor? weights = null;
        Tensor Scalar(Tensor[] xs)
        {
            var y = f(xs);
            if (y.DType != DType.Float64)
            {
                throw new InvalidOperationException($"GradCheck needs f to compute in float64; it returned {y.DType}");
            }
            if (y.NumEl == 1)
            {
                return y.Reshape();
            }
            weights ??= ProjectionWeights(y.Shape);
            return (y * weights).Sum();
        }

        var s = Scalar(leaves);
        var analytic = new double[inputs.Length][];
        if (path == GradPath.AutogradGrad)
        {
            var grads = Autograd.Grad([s], leaves, allowUnused: true);
            for (int i = 0; i < inputs.Length; i++)
            {
                analytic[i] = grads[i]?.ToArray<double>() ?? new double[values[i].Length];
            }
        }
        else
        {
            s.Backward();
            for (int i = 0; i < inputs.Length; i++)
            {
                analytic[i] = leaves[i].Grad?.ToArray<double>() ?? new double[values[i].Length];
            }
        }

        // Central differences, without recording graphs.
        var report = new GradCheckReport(0, -1, -1, 0, 0, true, 0);
        double worstRatio = -1;
        long count = 0;
        using (Torch.NoGrad())
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                for (int k = 0; k < values[i].Length; k++)
                {
                    using var inner = new TensorScope();
                    double original = values[i][k];
                    values[i][k] = original + eps;
                    double plus = Scalar(Build(values, shapes)).ToDouble();
                    values[i][k] = original - eps;
                    double minus = Scalar(Build(values, shapes)).ToDouble();
                    values[i][k] = original;
                    double numeric = (plus - minus) / (2 * eps);
                    double err = Math.Abs(analytic[i][k] - numeric);
                    double ratio = err / (atol + rtol * Math.Abs(numeric));
                    count++;
                    if (ratio > worstRatio || double.IsNaN(err))
                    {
                        worstRatio = double.IsNaN(err) ? double.PositiveInfinity : ratio;
                        report = report with { WorstInput = i, WorstIndex = k, Analytic = analytic[i][k], Numeric = numeric };
                    }
                    report = report with { MaxAbsError = Math.Max(report.MaxAbsError, double.IsNaN(err) ? double.PositiveInfinity : err) };
                }
            }
        }
        return report with { Passed = worstRatio <= 1, Elements = count };
    }

    private static Tensor[] Build(double[][] values, long[][] shapes)
    {
        var xs = new Tensor[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            xs[i] = Torch.FromSpan<double>(values[i], shapes[i]);
        }
        return xs;
    }

    private static Tensor ProjectionWeights(long[] shape)
    {
        var rng = new Random(20240611);
        long n = 1;
        foreach (long d in shape)
        {
            n *= d;
        }
        var w = new double[n];
        for (long i = 0; i < n; i++)
        {
            w[i] = rng.NextDouble() * 2 - 1;
        }
        return Torch.FromSpan<double>(w, shape);
    }
}
