namespace Diffusion.Inverse;

/// <summary>How <see cref="GaussianBlur"/> extends the image beyond its border (PyTorch's <c>F.pad</c> modes).</summary>
public enum BlurPadding
{
    /// <summary>Zeros outside: x₋₁ = 0. The adjoint is the flipped-kernel convolution with zero padding (a transposed convolution).</summary>
    Zero,

    /// <summary>Mirror without repeating the edge: x₋₁ = x₁, x_H = x_{H−2}. The adjoint folds the mirrored weights back onto the pixels they came from.</summary>
    Reflect,

    /// <summary>Periodic: x₋₁ = x_{H−1}. A is then circulant and diagonalised by the 2-D FFT.</summary>
    Circular,
}
