namespace Diffusion.Inverse;

/// <summary>
/// How <see cref="SdEdit"/> keeps the pixels a <see cref="PixelMask"/> observes (M = 1 there), after each reverse step to s
/// (<see cref="SdEditOptions.KnownPixels"/>; ignored for other operators).
/// </summary>
public enum SdEditKnownPixels
{
    /// <summary>Not kept: the chain alone decides every pixel (the known ones drift from y).</summary>
    Free,

    /// <summary>
    /// Re-noised to the current level, as Meng et al. (2022) and their public code: x_s = M ⊙ (√ᾱ_s y + √(1 − ᾱ_s) e) + (1 − M) ⊙ x_s,
    /// e the noise that started the pass, so the known pixels follow q(x_s | x_0 = y) and equal y after the last step (s = −1).
    /// </summary>
    Renoised,

    /// <summary>
    /// Clean, as Hurley's report writes it: x_s = M ⊙ y + (1 − M) ⊙ x_s at every level, so the known pixels are noise-free while
    /// the rest of x_s still carries √(1 − ᾱ_s) of noise (the ε-model sees an x_s that no forward process produces).
    /// </summary>
    Clean,
}
