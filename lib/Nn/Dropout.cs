using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>Dropout (<c>torch.nn.Dropout</c>): in training mode zeroes each element with probability p and scales the rest by 1/(1-p); in eval mode the identity.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <summary>Dropout with probability <paramref name="p"/>.</summary>
    public Dropout(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "the dropout probability must be in [0, 1]");
        }
        P = p;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, IsTraining);
}
