// Core of the shim: version handshake, errors, handle lifetime, metadata, raw data transfer, threads, seeds.
#include "dt_common.h"

#include <ATen/Parallel.h>
#include <torch/version.h>
#include <sstream>
#include <cstring>

/// Bumped whenever an export changes its signature; checked by the managed side at load.
static const int32_t kShimVersion = 1;

static thread_local std::string g_lastError;

void dt_set_error(const char* message) { g_lastError = message ? message : ""; }

DT_API int32_t dt_shim_version() { return kShimVersion; }

/// Writes "major.minor.patch" of the libtorch the shim was compiled against.
DT_API const char* dt_torch_version() { return TORCH_VERSION; }

/// The runtime libtorch's notion of its version, to detect a header/library mismatch.
DT_API int32_t dt_cuda_is_available() { return at::hasCUDA() ? 1 : 0; }

DT_API int32_t dt_cuda_device_count()
{
    try { return at::hasCUDA() ? static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs()) : 0; }
    catch (...) { return 0; }
}

DT_API const char* dt_last_error() { return g_lastError.c_str(); }

DT_API void dt_free(dt_tensor t) { delete t; }

DT_API int32_t dt_dim(dt_tensor t) { return static_cast<int32_t>(t->dim()); }

DT_API int32_t dt_shape(dt_tensor t, int64_t* dims, int32_t capacity)
{
    DT_GUARD({
        auto sizes = t->sizes();
        for (size_t i = 0; i < sizes.size() && i < static_cast<size_t>(capacity); ++i) dims[i] = sizes[i];
    })
}

DT_API int32_t dt_dtype(dt_tensor t) { return static_cast<int32_t>(t->scalar_type()); }

DT_API int32_t dt_device_type(dt_tensor t) { return t->device().is_cuda() ? 1 : 0; }

DT_API int32_t dt_device_index(dt_tensor t) { return t->device().has_index() ? t->device().index() : 0; }

DT_API int64_t dt_numel(dt_tensor t) { return t->numel(); }

DT_API int32_t dt_is_contiguous(dt_tensor t) { return t->is_contiguous() ? 1 : 0; }

/// Copies `nbytes` of host memory (laid out as a contiguous tensor of the given shape and dtype) into a new tensor.
DT_API int32_t dt_from_blob(const void* data, const int64_t* dims, int32_t ndim, int32_t dtype, dt_tensor* out)
{
    DT_GUARD({
        auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
        auto t = at::empty(dt_dims(dims, ndim), options);
        std::memcpy(t.data_ptr(), data, t.nbytes());
        *out = dt_wrap(std::move(t));
    })
}

/// Copies a tensor's elements (moved to CPU and made contiguous) into host memory of `nbytes` bytes.
DT_API int32_t dt_copy_to_host(dt_tensor t, void* data, int64_t nbytes)
{
    DT_GUARD({
        auto c = t->to(at::kCPU).contiguous();
        if (static_cast<int64_t>(c.nbytes()) != nbytes)
            throw std::invalid_argument("dt_copy_to_host: buffer holds " + std::to_string(nbytes) + " bytes but the tensor has " + std::to_string(c.nbytes()));
        std::memcpy(data, c.data_ptr(), c.nbytes());
    })
}

/// Reads a one-element tensor as a double.
DT_API int32_t dt_item_double(dt_tensor t, double* value) { DT_GUARD(*value = t->item<double>()) }

DT_API int32_t dt_item_int64(dt_tensor t, int64_t* value) { DT_GUARD(*value = t->item<int64_t>()) }

/// A new handle to the same storage (a shallow copy: both handles see one tensor).
DT_API int32_t dt_alias(dt_tensor t, dt_tensor* out) { DT_GUARD(*out = dt_wrap(*t)) }

DT_API int32_t dt_to(dt_tensor t, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(t->to(dt_options(dtype, deviceType, deviceIndex), /*non_blocking=*/false, /*copy=*/false)))
}

DT_API int32_t dt_set_num_threads(int32_t n) { DT_GUARD(at::set_num_threads(n)) }

DT_API int32_t dt_get_num_threads() { return at::get_num_threads(); }

DT_API int32_t dt_manual_seed(uint64_t seed) { DT_GUARD({
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
}) }

/// Prints a tensor the way libtorch does (for ToString); the caller frees the result with dt_free_string.
DT_API int32_t dt_to_string(dt_tensor t, char** out)
{
    DT_GUARD({
        std::ostringstream s;
        s << *t;
        *out = strdup(s.str().c_str());
    })
}

DT_API void dt_free_string(char* s) { free(s); }
