using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>The outcome of <see cref="ConjugateGradient.Solve"/>: the solution, the iterations run, and each image's final relative residual.</summary>
/// <param name="X">x [N, ...], in the caller's dispose scope.</param>
/// <param name="Iterations">The iterations run (the same for the whole batch: the loop stops when every image has converged).</param>
/// <param name="RelativeResiduals">‖b − K x‖ / ‖b‖ per image (0 where b = 0).</param>
public sealed record ConjugateGradientResult(Tensor X, int Iterations, double[] RelativeResiduals);

/// <summary>
/// Conjugate gradient for K x = b with a symmetric positive definite K given as a function, batched: each image (the slice
/// along dim 0) is its own system with its own step sizes, so one image's convergence does not disturb another's.
/// </summary>
/// <remarks>
/// Hestenes–Stiefel CG (Nocedal and Wright, Algorithm 5.2), per image n: r = b − K x, p = r; repeat
/// α = rᵀr / pᵀK p, x ← x + α p, r ← r − α K p, β = r'ᵀr' / rᵀr, p ← r' + β p, until ‖r‖ ≤ tol · ‖b‖ for every image or
/// <c>maxIterations</c>. A converged image's α and β are set to 0, so its x stays put while the others finish. K must act on
/// each image separately (as AᵀA + ρ∇ᵀ∇ does).
/// </remarks>
public static class ConjugateGradient
{
    /// <summary>Solves K x = b for each image of <paramref name="b"/>.</summary>
    /// <param name="apply">x ↦ K x (SPD, acting per image); called without gradients.</param>
    /// <param name="b">b [N, ...].</param>
    /// <param name="x0">The starting point (null: zeros); a warm start saves iterations inside ADMM.</param>
    /// <param name="tolerance">The relative residual ‖b − K x‖ / ‖b‖ to reach (&gt; 0).</param>
    /// <param name="maxIterations">The most iterations (&gt; 0).</param>
    public static ConjugateGradientResult Solve(Func<Tensor, Tensor> apply, Tensor b, Tensor? x0 = null, double tolerance = 1e-6, int maxIterations = 200)
    {
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(b);
        if (!(tolerance > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "the tolerance must be positive");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxIterations);
        if (b.dim() < 2 || !b.is_floating_point())
        {
            throw new ArgumentException($"expected a floating-point batch b [N, ...], got {Shapes.Format(b)} {b.dtype}", nameof(b));
        }
        if (x0 is not null && !x0.shape.SequenceEqual(b.shape))
        {
            throw new ArgumentException($"the start x0 {Shapes.Format(x0)} and b {Shapes.Format(b)} differ in shape", nameof(x0));
        }

        using var noGrad = no_grad();
        using var outer = NewDisposeScope();
        long n = b.shape[0];
        var view = new long[b.dim()];
        Array.Fill(view, 1L);
        view[0] = n;

        var x = x0 is null ? zeros_like(b) : x0.clone();
        var bNorm = PerImageDot(b, b).sqrt();
        var threshold = tolerance * bNorm;
        var r = x0 is null ? b.clone() : b - apply(x);
        var p = r.clone();
        var rr = PerImageDot(r, r);
        int iterations = 0;
        while (iterations < maxIterations && (rr.sqrt() > threshold).any().item<bool>())
        {
            using var scope = NewDisposeScope();
            var active = rr.sqrt() > threshold;
            var kp = apply(p);
            var pkp = PerImageDot(p, kp);
            var alpha = where(active & (pkp > 0), rr / pkp, zeros_like(rr));
            x.add_(alpha.reshape(view) * p);
            r.sub_(alpha.reshape(view) * kp);
            var rrNew = PerImageDot(r, r);
            var beta = where(active & (rr > 0), rrNew / rr, zeros_like(rr));
            p.mul_(beta.reshape(view)).add_(r);
            rr.copy_(rrNew);
            iterations++;
        }

        // The true residual (not the recursively updated one) for the report.
        var trueResidual = b - apply(x);
        var relative = where(bNorm > 0, PerImageDot(trueResidual, trueResidual).sqrt() / bNorm, zeros_like(bNorm));
        var residuals = relative.to(ScalarType.Float64).data<double>().ToArray();
        return new ConjugateGradientResult(x.MoveToOuterDisposeScope(), iterations, residuals);
    }

    private static Tensor PerImageDot(Tensor u, Tensor v) => (u * v).flatten(1).sum(1);
}
