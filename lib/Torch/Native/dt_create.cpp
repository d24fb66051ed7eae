// Creation functions and random generators (Torch.Creation.cs, Generator.cs).
#include "dt_common.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <mutex>

typedef at::Generator* dt_generator;

/// An optional generator from a nullable handle.
static c10::optional<at::Generator> dt_gen(dt_generator g) { return g ? c10::optional<at::Generator>(*g) : c10::nullopt; }

#define DT_SHAPE_ARGS const int64_t *dims, int32_t ndim, int32_t dtype, int32_t deviceType, int32_t deviceIndex
#define DT_OPTS dt_options(dtype, deviceType, deviceIndex)
#define DT_SIZE dt_dims(dims, ndim)

DT_API int32_t dt_ones(DT_SHAPE_ARGS, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::ones(DT_SIZE, DT_OPTS))) }
DT_API int32_t dt_empty(DT_SHAPE_ARGS, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::empty(DT_SIZE, DT_OPTS))) }
DT_API int32_t dt_full(DT_SHAPE_ARGS, double value, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::full(DT_SIZE, value, DT_OPTS))) }

DT_API int32_t dt_arange(double start, double end, double step, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::arange(start, end, step, DT_OPTS)))
}

DT_API int32_t dt_arange_int(int64_t start, int64_t end, int64_t step, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::arange(start, end, step, DT_OPTS)))
}

DT_API int32_t dt_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::linspace(start, end, steps, DT_OPTS)))
}

DT_API int32_t dt_eye(int64_t n, int64_t m, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::eye(n, m, DT_OPTS)))
}

DT_API int32_t dt_rand_gen(DT_SHAPE_ARGS, dt_generator g, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::rand(DT_SIZE, dt_gen(g), DT_OPTS))) }
DT_API int32_t dt_randn_gen(DT_SHAPE_ARGS, dt_generator g, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::randn(DT_SIZE, dt_gen(g), DT_OPTS))) }

DT_API int32_t dt_randint(int64_t low, int64_t high, DT_SHAPE_ARGS, dt_generator g, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::randint(low, high, DT_SIZE, dt_gen(g), DT_OPTS)))
}

DT_API int32_t dt_randperm(int64_t n, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_generator g, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::randperm(n, dt_gen(g), DT_OPTS)))
}

DT_API int32_t dt_normal(double mean, double std, DT_SHAPE_ARGS, dt_generator g, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::normal(mean, std, DT_SIZE, dt_gen(g), DT_OPTS)))
}

// The *_like family: dtype/device of the result are given explicitly by the managed side (it fills in x's own).
DT_API int32_t dt_zeros_like(dt_tensor x, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::zeros_like(*x, DT_OPTS))) }
DT_API int32_t dt_ones_like(dt_tensor x, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::ones_like(*x, DT_OPTS))) }
DT_API int32_t dt_full_like(dt_tensor x, double value, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::full_like(*x, value, DT_OPTS))) }

DT_API int32_t dt_rand_like(dt_tensor x, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_generator g, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::empty_like(*x, DT_OPTS).uniform_(0.0, 1.0, dt_gen(g))))
}

DT_API int32_t dt_randn_like(dt_tensor x, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_generator g, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::empty_like(*x, DT_OPTS).normal_(0.0, 1.0, dt_gen(g))))
}

DT_API int32_t dt_randint_like(dt_tensor x, int64_t low, int64_t high, int32_t dtype, int32_t deviceType, int32_t deviceIndex, dt_generator g, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::empty_like(*x, DT_OPTS).random_(low, high, dt_gen(g))))
}

// ---- generators ----

DT_API int32_t dt_generator_new(uint64_t seed, int32_t deviceType, int32_t deviceIndex, dt_generator* out)
{
    DT_GUARD({
        at::Generator g;
        if (deviceType == 1)
        {
            g = at::detail::getCUDAHooks().getDefaultCUDAGenerator(static_cast<c10::DeviceIndex>(deviceIndex)).clone();
        }
        else
        {
            g = at::make_generator<at::CPUGeneratorImpl>(seed);
        }
        std::lock_guard<std::mutex> lock(g.mutex());
        g.set_current_seed(seed);
        *out = new at::Generator(std::move(g));
    })
}

DT_API void dt_generator_free(dt_generator g) { delete g; }

DT_API int32_t dt_generator_manual_seed(dt_generator g, uint64_t seed)
{
    DT_GUARD({
        std::lock_guard<std::mutex> lock(g->mutex());
        g->set_current_seed(seed);
    })
}

DT_API int32_t dt_generator_initial_seed(dt_generator g, uint64_t* seed) { DT_GUARD(*seed = g->current_seed()) }

DT_API int32_t dt_generator_get_state(dt_generator g, dt_tensor* out)
{
    DT_GUARD({
        std::lock_guard<std::mutex> lock(g->mutex());
        *out = dt_wrap(g->get_state());
    })
}

DT_API int32_t dt_generator_set_state(dt_generator g, dt_tensor state)
{
    DT_GUARD({
        std::lock_guard<std::mutex> lock(g->mutex());
        g->set_state(*state);
    })
}
