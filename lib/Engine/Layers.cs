using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Diffusion.Engine;

/// <summary>
/// TorchSharp layers that need a correction before they behave as PyTorch's; the course's models build them through here.
/// </summary>
public static class Layers
{
    /// <summary>
    /// <c>nn.GroupNorm(groups, channels, eps)</c> with PyTorch's initialisation, γ = 1 and β = 0:
    /// y = (x − E[x]) / √(Var[x] + ε) · γ + β over each group of channels.
    /// </summary>
    /// <remarks>
    /// TorchSharp 0.107's <c>nn.GroupNorm</c> allocates its weight and bias with <c>torch.empty</c> and never fills them,
    /// which gives NaN losses; <c>LayersTests</c> and the models' tests check every GroupNorm of every model starts at γ = 1, β = 0.
    /// </remarks>
    public static GroupNorm GroupNorm(long groups, long channels, double eps = 1e-5)
    {
        if (groups <= 0 || channels % groups != 0)
        {
            throw new ArgumentException($"GroupNorm needs a positive number of groups that divides the channels; got {groups} groups for {channels} channels");
        }
        var norm = nn.GroupNorm(groups, channels, eps);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.zero_();
        }
        return norm;
    }
}
