using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>Which step on the data fidelity ½‖y − A x‖² <see cref="DataFidelity.Apply"/> takes.</summary>
public enum DataFidelityStep
{
    /// <summary>One gradient step of length γ: x' = x + γ Aᵀ(y − A x) (decreases the residual for 0 &lt; γ &lt; 2/‖A‖², ‖A‖ ≤ 1 for a normalised blur or a mask).</summary>
    Gradient,

    /// <summary>
    /// The proximal step x' = argmin_u ½‖y − A u‖² + (1/(2γ))‖u − x‖², i.e. (γ AᵀA + I) x' = x + γ Aᵀy, solved per image by
    /// <see cref="ConjugateGradient"/> (stable for every γ ≥ 0; γ → ∞ tends to the least-squares solution nearest x).
    /// </summary>
    Proximal,
}

/// <summary>
/// A data-fidelity correction of an image estimate towards the measurements, with a weight γ ≥ 0 (γ = 0 returns x unchanged).
/// <see cref="SdEdit"/> applies it to each step's x̂_0 (<see cref="SdEditOptions.FidelityWeight"/>).
/// </summary>
/// <remarks>
/// Gradient: x' = x + γ Aᵀ(y − A x), one step of gradient descent on f(x) = ½‖y − A x‖², whose gradient is Aᵀ(A x − y).
/// Proximal: x' = prox_{γ f}(x) = (γ AᵀA + I)⁻¹ (x + γ Aᵀy), by conjugate gradient to a relative residual of 10⁻⁶ (at most 200
/// iterations). Both act on each image of the batch separately.
/// </remarks>
public static class DataFidelity
{
    /// <summary>The corrected estimate x' (a new tensor in the caller's dispose scope; no gradient is recorded).</summary>
    /// <param name="a">The measurement operator A.</param>
    /// <param name="y">The measurements y, of the shape A gives <paramref name="x"/>.</param>
    /// <param name="x">The estimate [N, C, H, W].</param>
    /// <param name="weight">γ ≥ 0.</param>
    /// <param name="step">Gradient or proximal.</param>
    public static Tensor Apply(MeasurementOperator a, Tensor y, Tensor x, double weight, DataFidelityStep step)
    {
        ArgumentNullException.ThrowIfNull(x);
        InverseSampling.ImageShape(a, y, x.shape);
        InverseSampling.CheckNonNegative(weight, "the data-fidelity weight γ");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (weight == 0)
        {
            return x.clone().MoveToOuterDisposeScope();
        }
        var result = step switch
        {
            DataFidelityStep.Gradient => x + weight * a.Adjoint(y - a.Forward(x)),
            DataFidelityStep.Proximal => ConjugateGradient.Solve(u => weight * a.Adjoint(a.Forward(u)) + u, x + weight * a.Adjoint(y), x0: x).X,
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, $"unknown data-fidelity step; known: {string.Join(", ", Enum.GetNames<DataFidelityStep>())}"),
        };
        return result.MoveToOuterDisposeScope();
    }
}
