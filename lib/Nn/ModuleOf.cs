using Diffusion.Tensors;

namespace Diffusion.Nn;

/// <summary>A module with one input and one output, e.g. a layer (<c>y = layer.Forward(x)</c>).</summary>
/// <typeparam name="TInput">The input type, usually <see cref="Tensor"/>.</typeparam>
/// <typeparam name="TOutput">The output type, usually <see cref="Tensor"/>.</typeparam>
public abstract class Module<TInput, TOutput> : Module
{
    /// <summary>Computes the output; the result is a new tensor the caller owns (inputs are never disposed).</summary>
    public abstract TOutput Forward(TInput input);
}

/// <summary>A module with two inputs, e.g. a time-conditioned block (<c>h = block.Forward(x, tEmb)</c>).</summary>
/// <typeparam name="TInput1">The first input type.</typeparam>
/// <typeparam name="TInput2">The second input type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
public abstract class Module<TInput1, TInput2, TOutput> : Module
{
    /// <summary>Computes the output; the result is a new tensor the caller owns (inputs are never disposed).</summary>
    public abstract TOutput Forward(TInput1 input1, TInput2 input2);
}
