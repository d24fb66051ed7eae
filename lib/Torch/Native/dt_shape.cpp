// Views, joins, splits, repeats, flips and padding (Tensor.Shape.cs).
#include "dt_common.h"

#include <cstdlib>
#include <vector>

/// Gathers `n` handles coming from .NET into a vector of tensors.
static std::vector<at::Tensor> dt_list(const dt_tensor* items, int32_t n)
{
    std::vector<at::Tensor> list;
    list.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) list.push_back(*items[i]);
    return list;
}

/// Hands a list of results to .NET as a malloc'd array of new handles (freed by dt_free_list).
static void dt_out_list(const std::vector<at::Tensor>& parts, dt_tensor** outs, int32_t* count)
{
    auto array = static_cast<dt_tensor*>(std::malloc(sizeof(dt_tensor) * (parts.empty() ? 1 : parts.size())));
    if (!array) throw std::bad_alloc();
    for (size_t i = 0; i < parts.size(); ++i) array[i] = dt_wrap(parts[i]);
    *outs = array;
    *count = static_cast<int32_t>(parts.size());
}

DT_API void dt_free_list(dt_tensor* list) { std::free(list); }

DT_API int32_t dt_view(dt_tensor x, const int64_t* dims, int32_t n, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->view(dt_dims(dims, n)))) }
DT_API int32_t dt_permute(dt_tensor x, const int64_t* dims, int32_t n, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->permute(dt_dims(dims, n)))) }
DT_API int32_t dt_transpose(dt_tensor x, int64_t d0, int64_t d1, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->transpose(d0, d1))) }
DT_API int32_t dt_flatten(dt_tensor x, int64_t start, int64_t end, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->flatten(start, end))) }
DT_API int32_t dt_unflatten(dt_tensor x, int64_t dim, const int64_t* sizes, int32_t n, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->unflatten(dim, dt_dims(sizes, n)))) }
DT_API int32_t dt_unsqueeze(dt_tensor x, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->unsqueeze(dim))) }
DT_API int32_t dt_squeeze(dt_tensor x, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->squeeze())) }
DT_API int32_t dt_squeeze_dim(dt_tensor x, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->squeeze(dim))) }
DT_API int32_t dt_contiguous(dt_tensor x, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->contiguous())) }
DT_API int32_t dt_clone(dt_tensor x, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->clone())) }
DT_API int32_t dt_narrow(dt_tensor x, int64_t dim, int64_t start, int64_t length, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->narrow(dim, start, length))) }
DT_API int32_t dt_select(dt_tensor x, int64_t dim, int64_t index, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->select(dim, index))) }
DT_API int32_t dt_expand(dt_tensor x, const int64_t* dims, int32_t n, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->expand(dt_dims(dims, n)))) }
DT_API int32_t dt_repeat(dt_tensor x, const int64_t* dims, int32_t n, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->repeat(dt_dims(dims, n)))) }
DT_API int32_t dt_flip(dt_tensor x, const int64_t* dims, int32_t n, dt_tensor* out) { DT_GUARD(*out = dt_wrap(x->flip(dt_dims(dims, n)))) }

DT_API int32_t dt_slice(dt_tensor x, int64_t dim, int32_t hasStart, int64_t start, int32_t hasEnd, int64_t end, int64_t step, dt_tensor* out)
{
    DT_GUARD({
        c10::optional<int64_t> s = hasStart ? c10::optional<int64_t>(start) : c10::nullopt;
        c10::optional<int64_t> e = hasEnd ? c10::optional<int64_t>(end) : c10::nullopt;
        *out = dt_wrap(at::slice(*x, dim, s, e, step));
    })
}

DT_API int32_t dt_roll(dt_tensor x, const int64_t* shifts, int32_t ns, const int64_t* dims, int32_t nd, dt_tensor* out)
{
    DT_GUARD(*out = dt_wrap(at::roll(*x, dt_dims(shifts, ns), dt_dims(dims, nd))))
}

static const char* const kPadModes[] = {"constant", "reflect", "replicate", "circular"};

/// mode: 0 constant, 1 reflect, 2 replicate, 3 circular.
DT_API int32_t dt_pad(dt_tensor x, const int64_t* pads, int32_t n, int32_t mode, double value, dt_tensor* out)
{
    DT_GUARD({
        if (mode < 0 || mode > 3) throw std::invalid_argument("pad: unknown mode " + std::to_string(mode));
        c10::optional<double> v = mode == 0 ? c10::optional<double>(value) : c10::nullopt;
        *out = dt_wrap(at::pad(*x, dt_dims(pads, n), kPadModes[mode], v));
    })
}

DT_API int32_t dt_cat(const dt_tensor* items, int32_t n, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::cat(dt_list(items, n), dim))) }
DT_API int32_t dt_stack(const dt_tensor* items, int32_t n, int64_t dim, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::stack(dt_list(items, n), dim))) }

DT_API int32_t dt_chunk(dt_tensor x, int64_t chunks, int64_t dim, dt_tensor** outs, int32_t* count) { DT_GUARD(dt_out_list(x->chunk(chunks, dim), outs, count)) }
DT_API int32_t dt_split(dt_tensor x, int64_t size, int64_t dim, dt_tensor** outs, int32_t* count) { DT_GUARD(dt_out_list(x->split(size, dim), outs, count)) }
DT_API int32_t dt_split_sizes(dt_tensor x, const int64_t* sizes, int32_t n, int64_t dim, dt_tensor** outs, int32_t* count)
{
    DT_GUARD(dt_out_list(x->split_with_sizes(dt_dims(sizes, n), dim), outs, count))
}
DT_API int32_t dt_unbind(dt_tensor x, int64_t dim, dt_tensor** outs, int32_t* count) { DT_GUARD(dt_out_list(x->unbind(dim), outs, count)) }
