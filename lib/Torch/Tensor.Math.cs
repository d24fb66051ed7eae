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
