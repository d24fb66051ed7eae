using Diffusion.Engine;
using TorchSharp;
using static TorchSharp.torch;

namespace Diffusion.Inverse;

/// <summary>
/// A linear operator that acts on rows and columns separately: A x = R x Cᵀ for each channel of each image, R [H', H] and
/// C [W', W]; its adjoint is Aᵀ y = Rᵀ y C exactly (the matrix transpose, whatever boundary rule R and C encode).
/// </summary>
/// <remarks>
/// Separable blurs and poolings are written this way rather than as convolutions: the adjoint is exact for every padding
/// (zero, reflect, circular) by construction, gradients through A are plain matrix products (no oneDNN convolution whose
/// input gradient is wrong for single-channel float32 batches, see <c>Convolutions</c>), and an H×H matrix is cheap for the
/// course's image sizes.
/// </remarks>
public abstract class SeparableOperator : MeasurementOperator
{
    /// <summary>An operator from its row matrix R [H', H] and column matrix C [W', W] (float64 [rows, columns] arrays).</summary>
    protected SeparableOperator(double[,] rowMatrix, double[,] columnMatrix)
    {
        RowMatrix = ToTensor(rowMatrix);
        ColumnMatrix = ToTensor(columnMatrix);
    }

    /// <summary>R [H', H] (float64).</summary>
    public Tensor RowMatrix { get; }

    /// <summary>C [W', W] (float64).</summary>
    public Tensor ColumnMatrix { get; }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            RowMatrix.Dispose();
            ColumnMatrix.Dispose();
        }
    }

    /// <summary>The image height H the operator expects.</summary>
    public long Height => RowMatrix.shape[1];

    /// <summary>The image width W the operator expects.</summary>
    public long Width => ColumnMatrix.shape[1];

    /// <inheritdoc/>
    public override long[] MeasurementShape(long[] imageShape) => [imageShape[0], imageShape[1], RowMatrix.shape[0], ColumnMatrix.shape[0]];

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor x)
    {
        if (x.shape[2] != Height || x.shape[3] != Width)
        {
            throw new ArgumentException($"{Name} expects images [N, C, {Height}, {Width}], got {Shapes.Format(x)}", nameof(x));
        }
        using var scope = NewDisposeScope();
        var r = RowMatrix.to(x.dtype, x.device);
        var c = ColumnMatrix.to(x.dtype, x.device);
        return matmul(matmul(r, x), c.t()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override Tensor AdjointCore(Tensor y)
    {
        if (y.shape[2] != RowMatrix.shape[0] || y.shape[3] != ColumnMatrix.shape[0])
        {
            throw new ArgumentException($"{Name} expects measurements [N, C, {RowMatrix.shape[0]}, {ColumnMatrix.shape[0]}], got {Shapes.Format(y)}", nameof(y));
        }
        using var scope = NewDisposeScope();
        var r = RowMatrix.to(y.dtype, y.device);
        var c = ColumnMatrix.to(y.dtype, y.device);
        return matmul(matmul(r.t(), y), c).MoveToOuterDisposeScope();
    }

    private static Tensor ToTensor(double[,] m)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        var flat = new double[rows * cols];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, [rows, cols]);
    }
}
