namespace Diffusion.Inverse;

/// <summary>Which norm of the discrete gradient <see cref="TotalVariation"/> sums over the pixels.</summary>
public enum TvNorm
{
    /// <summary>TV(x) = Σ_{n,c,i,j} √((D_v x)²_{ij} + (D_h x)²_{ij}): the Euclidean norm of each pixel's gradient (rotation-friendlier; the default).</summary>
    Isotropic,

    /// <summary>TV(x) = Σ_{n,c,i,j} |(D_v x)_{ij}| + |(D_h x)_{ij}|: the ℓ₁ norm of the gradient (favours axis-aligned edges).</summary>
    Anisotropic,
}

/// <summary>How the finite differences of <see cref="TotalVariation"/> treat the image's last row and column.</summary>
public enum DifferenceBoundary
{
    /// <summary>
    /// Neumann (replicate): (D_v x)_{ij} = x_{i+1,j} − x_{ij} for i &lt; H − 1 and 0 on the last row (the same for D_h on the last
    /// column). The usual choice for images: no jump is charged between opposite borders.
    /// </summary>
    Neumann,

    /// <summary>
    /// Periodic: (D_v x)_{ij} = x_{(i+1) mod H, j} − x_{ij}. ∇ᵀ∇ is then circulant (diagonalised by the 2-D FFT), which, with a
    /// circulant A, makes the ADMM / HQS x-step an exact FFT division (<see cref="FourierQuadraticSolver"/>).
    /// </summary>
    Circular,
}
