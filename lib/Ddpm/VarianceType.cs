namespace Diffusion.Ddpm;

/// <summary>The variance σ_t² of the reverse step p_θ(x_{t−1} | x_t) = N(μ_θ, σ_t² I) in ancestral DDPM sampling (Ho et al. §3.2).</summary>
public enum VarianceType
{
    /// <summary>σ_t² = β_t, the upper bound (optimal for x_0 ~ N(0, I)); "fixedlarge" in the reference code.</summary>
    FixedLarge,

    /// <summary>σ_t² = β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the posterior variance, the lower bound (optimal for a point x_0); "fixedsmall".</summary>
    FixedSmall,
}
