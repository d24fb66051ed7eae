namespace Diffusion.Tensors;

public sealed partial class Tensor
{
    /// <summary>Elementwise x == other (a bool tensor), broadcasting.</summary>
    public Tensor Eq(Tensor other) => Wrap(NativeMethods.dt_eq(Handle, other.Handle, out var r), r, "eq", this, other);

    /// <summary>Elementwise x != other (a bool tensor), broadcasting.</summary>
    public Tensor Ne(Tensor other) => Wrap(NativeMethods.dt_ne(Handle, other.Handle, out var r), r, "ne", this, other);

    /// <summary>Elementwise x &lt; other (a bool tensor), broadcasting.</summary>
    public Tensor Lt(Tensor other) => Wrap(NativeMethods.dt_lt(Handle, other.Handle, out var r), r, "lt", this, other);

    /// <summary>Elementwise x &lt;= other (a bool tensor), broadcasting.</summary>
    public Tensor Le(Tensor other) => Wrap(NativeMethods.dt_le(Handle, other.Handle, out var r), r, "le", this, other);

    /// <summary>Elementwise x &gt; other (a bool tensor), broadcasting.</summary>
    public Tensor Gt(Tensor other) => Wrap(NativeMethods.dt_gt(Handle, other.Handle, out var r), r, "gt", this, other);

    /// <summary>Elementwise x &gt;= other (a bool tensor), broadcasting.</summary>
    public Tensor Ge(Tensor other) => Wrap(NativeMethods.dt_ge(Handle, other.Handle, out var r), r, "ge", this, other);

    /// <summary>Elementwise x == s (a bool tensor).</summary>
    public Tensor Eq(double s) => Wrap(NativeMethods.dt_eq_scalar(Handle, s, out var r), r, "eq", this);

    /// <summary>Elementwise x != s (a bool tensor).</summary>
    public Tensor Ne(double s) => Wrap(NativeMethods.dt_ne_scalar(Handle, s, out var r), r, "ne", this);

    /// <summary>Elementwise x &lt; s (a bool tensor).</summary>
    public Tensor Lt(double s) => Wrap(NativeMethods.dt_lt_scalar(Handle, s, out var r), r, "lt", this);

    /// <summary>Elementwise x &lt;= s (a bool tensor).</summary>
    public Tensor Le(double s) => Wrap(NativeMethods.dt_le_scalar(Handle, s, out var r), r, "le", this);

    /// <summary>Elementwise x &gt; s (a bool tensor).</summary>
    public Tensor Gt(double s) => Wrap(NativeMethods.dt_gt_scalar(Handle, s, out var r), r, "gt", this);

    /// <summary>Elementwise x &gt;= s (a bool tensor).</summary>
    public Tensor Ge(double s) => Wrap(NativeMethods.dt_ge_scalar(Handle, s, out var r), r, "ge", this);

    /// <summary>Elementwise logical not (nonzero counts as true).</summary>
    public Tensor LogicalNot() => Wrap(NativeMethods.dt_logical_not(Handle, out var r), r, "logical_not", this);

    /// <summary>Elementwise logical and (nonzero counts as true).</summary>
    public Tensor LogicalAnd(Tensor other) => Wrap(NativeMethods.dt_logical_and(Handle, other.Handle, out var r), r, "logical_and", this, other);

    /// <summary>Elementwise logical or (nonzero counts as true).</summary>
    public Tensor LogicalOr(Tensor other) => Wrap(NativeMethods.dt_logical_or(Handle, other.Handle, out var r), r, "logical_or", this, other);

    /// <summary>Elementwise logical exclusive or (nonzero counts as true).</summary>
    public Tensor LogicalXor(Tensor other) => Wrap(NativeMethods.dt_logical_xor(Handle, other.Handle, out var r), r, "logical_xor", this, other);

    /// <summary>True where an element is NaN.</summary>
    public Tensor IsNaN() => Wrap(NativeMethods.dt_isnan(Handle, out var r), r, "isnan", this);

    /// <summary>True where an element is neither infinite nor NaN.</summary>
    public Tensor IsFinite() => Wrap(NativeMethods.dt_isfinite(Handle, out var r), r, "isfinite", this);

    /// <summary>True where an element is ±∞.</summary>
    public Tensor IsInf() => Wrap(NativeMethods.dt_isinf(Handle, out var r), r, "isinf", this);

    /// <summary>True when shapes broadcast and |x − other| ≤ atol + rtol·|other| everywhere (<c>torch.allclose</c>).</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        Check(NativeMethods.dt_allclose(Handle, other.Handle, rtol, atol, out int result), "allclose", this, other);
        return result != 0;
    }

    /// <summary>True when both tensors have the same shape and elements (<c>torch.equal</c>).</summary>
    public bool Equal(Tensor other)
    {
        Check(NativeMethods.dt_equal(Handle, other.Handle, out int result), "equal", this, other);
        return result != 0;
    }

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true (the mask broadcasts).</summary>
    public Tensor MaskedFill(Tensor mask, double value) => Wrap(NativeMethods.dt_masked_fill(Handle, mask.Handle, value, out var r), r, "masked_fill", this, mask);
}

public static partial class Torch
{
    /// <summary>Elementwise <c>condition ? a : b</c>, broadcasting all three.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) =>
        Tensor.Wrap(NativeMethods.dt_where(condition.Handle, a.Handle, b.Handle, out var r), r, "where", condition, a, b);

    /// <summary>Elementwise <c>condition ? a : b</c> with a scalar <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, double b) =>
        Tensor.Wrap(NativeMethods.dt_where_ts(condition.Handle, a.Handle, b, out var r), r, "where", condition, a);

    /// <summary>Elementwise <c>condition ? a : b</c> with a scalar <paramref name="a"/>.</summary>
    public static Tensor Where(Tensor condition, double a, Tensor b) =>
        Tensor.Wrap(NativeMethods.dt_where_st(condition.Handle, a, b.Handle, out var r), r, "where", condition, b);

    /// <summary>Elementwise <c>condition ? a : b</c> with two scalars (a float32 result).</summary>
    public static Tensor Where(Tensor condition, double a, double b) =>
        Tensor.Wrap(NativeMethods.dt_where_ss(condition.Handle, a, b, out var r), r, "where", condition);
}
