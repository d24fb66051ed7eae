using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Training;

/// <summary>
/// Gives the training batch for a step. It may draw its randomness from <paramref name="generator"/> (the trainer's
/// seeded generator, saved in checkpoints) or derive it from <paramref name="step"/>; either way a resumed run sees
/// the same batches as an uninterrupted one. The trainer owns (and frees) the returned tensor.
/// </summary>
/// <param name="step">The 0-based step the batch is for.</param>
/// <param name="generator">The trainer's generator.</param>
public delegate Tensor BatchSource(long step, Generator generator);

/// <summary>
/// The training objective: the scalar loss of <paramref name="batch"/> (e.g. DDPM's ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²),
/// drawing t and ε from <paramref name="generator"/>.
/// </summary>
/// <param name="batch">The clean batch x_0.</param>
/// <param name="generator">The trainer's generator.</param>
public delegate Tensor TrainingLoss(Tensor batch, Generator generator);

/// <summary>Ready-made <see cref="BatchSource"/>s.</summary>
public static class BatchSources
{
    /// <summary>
    /// Batches of <paramref name="batchSize"/> rows of <paramref name="data"/> ([N, ...]) drawn uniformly with
    /// replacement using the trainer's generator (no epochs; deterministic under resume).
    /// </summary>
    public static BatchSource RandomRows(Tensor data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long n = data.size(0);
        return (_, generator) =>
        {
            using var index = randint(0, n, [batchSize], generator: generator);
            return data.index_select(0, index);
        };
    }

    /// <summary>
    /// Adapts an enumerator of batches (e.g. an epoch-shuffling loader seeded once): the batch for step s is the
    /// s-th item, so on resume the first call skips (and frees) the batches of the steps already done. The
    /// sequence is restarted when it ends (a new pass). The caller must not ask for steps out of order.
    /// </summary>
    public static BatchSource FromSequence(Func<IEnumerable<Tensor>> sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        IEnumerator<Tensor>? current = null;
        long position = 0;
        Tensor Next()
        {
            for (int attempt = 0; attempt < 2; attempt++)
            {
                current ??= sequence().GetEnumerator();
                if (current.MoveNext())
                {
                    return current.Current;
                }
                current.Dispose();
                current = null;
            }
            throw new InvalidOperationException("the batch sequence is empty");
        }
        return (step, _) =>
        {
            if (step < position)
            {
                throw new InvalidOperationException($"batch for step {step} requested after step {position - 1}: a sequence source only moves forwards");
            }
            while (position < step)
            {
                Next().Dispose();
                position++;
            }
            position++;
            return Next();
        };
    }
}
