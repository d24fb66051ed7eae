namespace Diffusion.Inverse;

/// <summary>
/// One inverse problem of the evaluation: a name, the operator A (y = A x + σ_y n on [−1, 1] images) and DPS's published ζ for
/// its kind of problem.
/// </summary>
/// <param name="Name">"inpainting", "deblurring".</param>
/// <param name="Operator">A.</param>
/// <param name="DpsScale">ζ of <see cref="DpsOptions"/> for this problem (Chung et al.'s 0.5 inpainting, 0.3 deblurring).</param>
public sealed record InverseTask(string Name, MeasurementOperator Operator, double DpsScale)
{
    /// <summary>
    /// Inpainting of 28×28 digits with a centred 14×14 box hidden (the DPS FFHQ box, 128×128 of 256×256, scaled to MNIST:
    /// half the side, a quarter of the pixels), ζ = 0.5.
    /// </summary>
    public static InverseTask Inpainting(long size = 28) =>
        new("inpainting", PixelMask.Box(size, size, size / 4, size / 4, size / 2, size / 2), DpsOptions.Inpainting.Scale);

    /// <summary>
    /// Deblurring of 28×28 digits with a 9×9 Gaussian kernel of σ 2 pixels, reflect padding (DPS's 61×61, σ 3 on 256×256 would
    /// be a third of a pixel on MNIST; σ 2 removes the strokes' detail, as the TV baselines were tuned for), ζ = 0.3.
    /// </summary>
    public static InverseTask Deblurring(long size = 28) =>
        new("deblurring", new GaussianBlur(size, size, 9, 2.0, BlurPadding.Reflect), DpsOptions.GaussianDeblur.Scale);
}
