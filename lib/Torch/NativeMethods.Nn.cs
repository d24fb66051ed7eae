using System.Runtime.InteropServices;

namespace Diffusion.Tensors;

/// <summary>
/// Neural-network functional ops (dt_nn.cpp). Optional tensors (bias, weight, running statistics) are raw pointers,
/// zero for "none" (see <see cref="OptionalHandle"/>); pairs (stride, padding, ...) are two <c>long</c>s (height, width).
/// </summary>
internal static partial class NativeMethods
{
    [LibraryImport(LibraryName)] internal static partial int dt_linear(TensorHandle x, TensorHandle w, IntPtr b, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_conv2d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long* padding, long* dilation, long groups, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_conv_transpose2d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long* padding, long* outputPadding, long groups,
        long* dilation, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_group_norm(TensorHandle x, long groups, IntPtr w, IntPtr b, double eps, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_layer_norm(TensorHandle x, long* shape, int n, IntPtr w, IntPtr b, double eps, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static partial int dt_batch_norm(TensorHandle x, IntPtr runningMean, IntPtr runningVar, IntPtr w, IntPtr b, int training, double momentum, double eps,
        out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_dropout(TensorHandle x, double p, int training, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_dropout_gen(TensorHandle x, double p, int training, IntPtr generator, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_avg_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_max_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode, out IntPtr result);
    [LibraryImport(LibraryName)] internal static unsafe partial int dt_adaptive_avg_pool2d(TensorHandle x, long* size, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_interpolate(TensorHandle x, long* size, int mode, int alignCorners, double scaleH, double scaleW, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_unfold(TensorHandle x, long* kernel, long* dilation, long* padding, long* stride, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static unsafe partial int dt_fold(TensorHandle x, long* outputSize, long* kernel, long* dilation, long* padding, long* stride, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_softmax(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_log_softmax(TensorHandle x, long dim, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_mse_loss(TensorHandle input, TensorHandle target, int reduction, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_l1_loss(TensorHandle input, TensorHandle target, int reduction, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_smooth_l1_loss(TensorHandle input, TensorHandle target, int reduction, double beta, out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static partial int dt_cross_entropy(TensorHandle logits, TensorHandle targets, IntPtr weight, int reduction, long ignoreIndex, double labelSmoothing,
        out IntPtr result);
    [LibraryImport(LibraryName)]
    internal static partial int dt_nll_loss(TensorHandle logProbs, TensorHandle targets, IntPtr weight, int reduction, long ignoreIndex, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_embedding(TensorHandle indices, TensorHandle weight, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_relu(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_silu(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_mish(TensorHandle x, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_gelu(TensorHandle x, int approximate, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_leaky_relu(TensorHandle x, double slope, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_elu(TensorHandle x, double alpha, out IntPtr result);
    [LibraryImport(LibraryName)] internal static partial int dt_softplus(TensorHandle x, double beta, double threshold, out IntPtr result);
}
