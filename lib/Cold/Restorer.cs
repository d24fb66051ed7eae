using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Cold;

/// <summary>The restoration operator R(x_s, s) ≈ x_0 of cold diffusion: images [B, C, H, W] and severities [B] (float) → x̂_0.</summary>
public delegate Tensor Restorer(Tensor xs, Tensor s);
