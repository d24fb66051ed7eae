namespace Diffusion.Tensors;

public sealed partial class Tensor
{
    /// <summary>Elementwise <c>this + other</c>, broadcasting.</summary>
    public Tensor Add(Tensor other) => Wrap(NativeMethods.dt_add(Handle, other.Handle, out var r), r, "add", this, other);

    /// <summary>Elementwise <c>this - other</c>, broadcasting.</summary>
    public Tensor Sub(Tensor other) => Wrap(NativeMethods.dt_sub(Handle, other.Handle, out var r), r, "sub", this, other);

    /// <summary>Elementwise <c>this * other</c>, broadcasting.</summary>
    public Tensor Mul(Tensor other) => Wrap(NativeMethods.dt_mul(Handle, other.Handle, out var r), r, "mul", this, other);

    /// <summary>Elementwise <c>this / other</c> (true division), broadcasting.</summary>
    public Tensor Div(Tensor other) => Wrap(NativeMethods.dt_div(Handle, other.Handle, out var r), r, "div", this, other);

    /// <summary><c>this + s</c>.</summary>
    public Tensor Add(double s) => Wrap(NativeMethods.dt_add_scalar(Handle, s, out var r), r, "add", this);

    /// <summary><c>this - s</c>.</summary>
    public Tensor Sub(double s) => Wrap(NativeMethods.dt_sub_scalar(Handle, s, out var r), r, "sub", this);

    /// <summary><c>this * s</c>.</summary>
    public Tensor Mul(double s) => Wrap(NativeMethods.dt_mul_scalar(Handle, s, out var r), r, "mul", this);

    /// <summary><c>this / s</c>.</summary>
    public Tensor Div(double s) => Wrap(NativeMethods.dt_div_scalar(Handle, s, out var r), r, "div", this);

    /// <summary><c>s - this</c>.</summary>
    public Tensor RSub(double s) => Wrap(NativeMethods.dt_rsub_scalar(Handle, s, out var r), r, "rsub", this);

    /// <summary><c>-this</c>.</summary>
    public Tensor Neg() => Wrap(NativeMethods.dt_neg(Handle, out var r), r, "neg", this);

    /// <summary>Elementwise square root.</summary>
    public Tensor Sqrt() => Wrap(NativeMethods.dt_sqrt(Handle, out var r), r, "sqrt", this);

    /// <summary>Elementwise e^x.</summary>
    public Tensor Exp() => Wrap(NativeMethods.dt_exp(Handle, out var r), r, "exp", this);

    /// <summary>Elementwise natural logarithm.</summary>
    public Tensor Log() => Wrap(NativeMethods.dt_log(Handle, out var r), r, "log", this);

    /// <summary>The sum of all elements (a 0-dimensional tensor).</summary>
    public Tensor Sum() => Wrap(NativeMethods.dt_sum_all(Handle, out var r), r, "sum", this);

    /// <summary>The mean of all elements (a 0-dimensional tensor).</summary>
    public Tensor Mean() => Wrap(NativeMethods.dt_mean_all(Handle, out var r), r, "mean", this);

    /// <summary>Matrix product with PyTorch's broadcasting rules (<c>torch.matmul</c>).</summary>
    public Tensor MatMul(Tensor other) => Wrap(NativeMethods.dt_matmul(Handle, other.Handle, out var r), r, "matmul", this, other);

    /// <summary>The product of two matrices, [n, k]·[k, m] → [n, m] (no broadcasting).</summary>
    public Tensor Mm(Tensor other) => Wrap(NativeMethods.dt_mm(Handle, other.Handle, out var r), r, "mm", this, other);

    /// <summary>Batched matrix product, [b, n, k]·[b, k, m] → [b, n, m].</summary>
    public Tensor Bmm(Tensor other) => Wrap(NativeMethods.dt_bmm(Handle, other.Handle, out var r), r, "bmm", this, other);

    /// <summary>The outer product of two vectors: out[i, j] = x[i]·y[j].</summary>
    public Tensor Outer(Tensor other) => Wrap(NativeMethods.dt_outer(Handle, other.Handle, out var r), r, "outer", this, other);

    /// <summary>The inner product of two vectors (a 0-dimensional tensor).</summary>
    public Tensor Dot(Tensor other) => Wrap(NativeMethods.dt_dot(Handle, other.Handle, out var r), r, "dot", this, other);

    /// <summary>The sum of the diagonal of a matrix.</summary>
    public Tensor Trace() => Wrap(NativeMethods.dt_trace(Handle, out var r), r, "trace", this);

    /// <summary>The lower triangle of a matrix (or batch), zeros above the diagonal.</summary>
    public Tensor Tril() => Wrap(NativeMethods.dt_tril(Handle, out var r), r, "tril", this);

    /// <summary>The upper triangle of a matrix (or batch), zeros below the diagonal.</summary>
    public Tensor Triu() => Wrap(NativeMethods.dt_triu(Handle, out var r), r, "triu", this);

    /// <summary>The same elements with a new shape; one size may be -1 (inferred).</summary>
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* p = shape)
        {
            return Wrap(NativeMethods.dt_reshape(Handle, p, shape.Length, out var r), r, "reshape", this);
        }
    }

    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);

    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Add(s);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double s, Tensor a) => a.Add(s);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Sub(s);

    /// <summary>A scalar minus a tensor.</summary>
    public static Tensor operator -(double s, Tensor a) => a.RSub(s);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Div(s);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}
