// Shared declarations of the extern "C" shim over libtorch.
//
// Conventions (every export follows them):
//  - every symbol starts with "dt_" and is declared with DT_API;
//  - integers are fixed width; tensors cross as opaque dt_tensor handles (a heap at::Tensor*);
//  - every fallible export returns int32_t: 0 on success, 1 on failure, with the message kept in a
//    thread-local buffer that dt_last_error() returns; results come back through out-parameters;
//  - no C++ exception ever crosses the boundary: DT_GUARD catches c10::Error, std::exception and "...".
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <string>

#define DT_API extern "C" __attribute__((visibility("default")))

typedef at::Tensor* dt_tensor;

/// Stores the message of the last failure on this thread.
void dt_set_error(const char* message);

/// Runs `body`, returns 0, or catches any exception into the thread-local error and returns 1.
#define DT_GUARD(body)                                                        \
    try                                                                       \
    {                                                                         \
        body;                                                                 \
        return 0;                                                             \
    }                                                                         \
    catch (const c10::Error& e)                                               \
    {                                                                         \
        dt_set_error(e.what_without_backtrace());                             \
        return 1;                                                             \
    }                                                                         \
    catch (const std::exception& e)                                           \
    {                                                                         \
        dt_set_error(e.what());                                               \
        return 1;                                                             \
    }                                                                         \
    catch (...)                                                               \
    {                                                                         \
        dt_set_error("unknown C++ exception in the libtorch shim");          \
        return 1;                                                             \
    }

/// Moves a result onto the heap as a new owned handle.
inline dt_tensor dt_wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

/// Builds an IntArrayRef view over a (pointer, length) pair coming from .NET.
inline at::IntArrayRef dt_dims(const int64_t* dims, int32_t n) { return at::IntArrayRef(dims, static_cast<size_t>(n)); }

/// Tensor options from the shim's dtype code (c10::ScalarType numbering) and device (type 0 CPU, 1 CUDA).
inline at::TensorOptions dt_options(int32_t dtype, int32_t deviceType, int32_t deviceIndex, bool requiresGrad = false)
{
    auto device = deviceType == 1 ? at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(deviceIndex)) : at::Device(at::kCPU);
    return at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)).device(device).requires_grad(requiresGrad);
}

/// A unary op export: dt_<name>(x, out).
#define DT_UNARY(name, expr)                                                   \
    DT_API int32_t dt_##name(dt_tensor x, dt_tensor* out) { DT_GUARD(*out = dt_wrap(expr)) }

/// A binary op export: dt_<name>(a, b, out).
#define DT_BINARY(name, expr)                                                  \
    DT_API int32_t dt_##name(dt_tensor a, dt_tensor b, dt_tensor* out) { DT_GUARD(*out = dt_wrap(expr)) }

/// A tensor-scalar op export: dt_<name>(a, s, out).
#define DT_SCALAR(name, expr)                                                  \
    DT_API int32_t dt_##name(dt_tensor a, double s, dt_tensor* out) { DT_GUARD(*out = dt_wrap(expr)) }
