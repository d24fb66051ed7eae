namespace Diffusion.Tensors;

/// <summary>
/// In-place updates (trailing underscore, as in PyTorch). Each changes this tensor's storage (so every view and
/// alias of it) and returns this same object, not a new tensor.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>x += alpha · other.</summary>
    public Tensor Add_(Tensor other, double alpha = 1)
    {
        Check(NativeMethods.dt_add_(Handle, other.Handle, alpha), "add_", this, other);
        return this;
    }

    /// <summary>x += s.</summary>
    public Tensor Add_(double s)
    {
        Check(NativeMethods.dt_add_scalar_(Handle, s), "add_", this);
        return this;
    }

    /// <summary>x −= alpha · other.</summary>
    public Tensor Sub_(Tensor other, double alpha = 1)
    {
        Check(NativeMethods.dt_sub_(Handle, other.Handle, alpha), "sub_", this, other);
        return this;
    }

    /// <summary>x −= s.</summary>
    public Tensor Sub_(double s)
    {
        Check(NativeMethods.dt_sub_scalar_(Handle, s), "sub_", this);
        return this;
    }

    /// <summary>x *= other (elementwise).</summary>
    public Tensor Mul_(Tensor other)
    {
        Check(NativeMethods.dt_mul_(Handle, other.Handle), "mul_", this, other);
        return this;
    }

    /// <summary>x *= s.</summary>
    public Tensor Mul_(double s)
    {
        Check(NativeMethods.dt_mul_scalar_(Handle, s), "mul_", this);
        return this;
    }

    /// <summary>x /= other (elementwise).</summary>
    public Tensor Div_(Tensor other)
    {
        Check(NativeMethods.dt_div_(Handle, other.Handle), "div_", this, other);
        return this;
    }

    /// <summary>x /= s.</summary>
    public Tensor Div_(double s)
    {
        Check(NativeMethods.dt_div_scalar_(Handle, s), "div_", this);
        return this;
    }

    /// <summary>x += value · t1 · t2 (elementwise).</summary>
    public Tensor Addcmul_(Tensor t1, Tensor t2, double value = 1)
    {
        Check(NativeMethods.dt_addcmul_(Handle, t1.Handle, t2.Handle, value), "addcmul_", this, t1, t2);
        return this;
    }

    /// <summary>x += value · t1 / t2 (elementwise).</summary>
    public Tensor Addcdiv_(Tensor t1, Tensor t2, double value = 1)
    {
        Check(NativeMethods.dt_addcdiv_(Handle, t1.Handle, t2.Handle, value), "addcdiv_", this, t1, t2);
        return this;
    }

    /// <summary>Copies the values of <paramref name="src"/> (broadcast, converted) into this tensor.</summary>
    public Tensor Copy_(Tensor src)
    {
        Check(NativeMethods.dt_copy_(Handle, src.Handle), "copy_", this, src);
        return this;
    }

    /// <summary>Sets every element to 0.</summary>
    public Tensor Zero_()
    {
        Check(NativeMethods.dt_zero_(Handle), "zero_", this);
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill_(double value)
    {
        Check(NativeMethods.dt_fill_(Handle, value), "fill_", this);
        return this;
    }

    /// <summary>Limits every element to [<paramref name="min"/>, <paramref name="max"/>]; a null bound is not applied.</summary>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp_ needs at least one of min and max");
        }
        Check(NativeMethods.dt_clamp_(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0), "clamp_", this);
        return this;
    }

    /// <summary>x += weight · (end − x), the exponential-moving-average step.</summary>
    public Tensor Lerp_(Tensor end, double weight)
    {
        Check(NativeMethods.dt_lerp_(Handle, end.Handle, weight), "lerp_", this, end);
        return this;
    }

    /// <summary>x = √x.</summary>
    public Tensor Sqrt_()
    {
        Check(NativeMethods.dt_sqrt_(Handle), "sqrt_", this);
        return this;
    }

    /// <summary>x = −x.</summary>
    public Tensor Neg_()
    {
        Check(NativeMethods.dt_neg_(Handle), "neg_", this);
        return this;
    }

    /// <summary>x = e^x.</summary>
    public Tensor Exp_()
    {
        Check(NativeMethods.dt_exp_(Handle), "exp_", this);
        return this;
    }

    /// <summary>Fills with samples of N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        int rc = NativeMethods.dt_normal_(Handle, mean, std, Generator.Raw(generator));
        GC.KeepAlive(generator);
        Check(rc, "normal_", this);
        return this;
    }

    /// <summary>Fills with samples of U[<paramref name="low"/>, <paramref name="high"/>).</summary>
    public Tensor Uniform_(double low = 0, double high = 1, Generator? generator = null)
    {
        int rc = NativeMethods.dt_uniform_(Handle, low, high, Generator.Raw(generator));
        GC.KeepAlive(generator);
        Check(rc, "uniform_", this);
        return this;
    }

    /// <summary>Writes <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor MaskedFill_(Tensor mask, double value)
    {
        Check(NativeMethods.dt_masked_fill_(Handle, mask.Handle, value), "masked_fill_", this, mask);
        return this;
    }
}
