// Autograd: requires_grad, .grad, backward, torch::autograd::grad, detach, and the thread-local grad mode.
#include "dt_common.h"

#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/variable.h>

#include <vector>

namespace
{
/// Copies (pointer, count) handles into a variable list; a null handle becomes an undefined tensor.
torch::autograd::variable_list dt_list(const dt_tensor* handles, int32_t n)
{
    torch::autograd::variable_list list;
    list.reserve(static_cast<size_t>(n > 0 ? n : 0));
    for (int32_t i = 0; i < n; ++i) list.push_back(handles[i] ? *handles[i] : at::Tensor());
    return list;
}
} // namespace

DT_API int32_t dt_requires_grad(dt_tensor t) { return t->requires_grad() ? 1 : 0; }

DT_API int32_t dt_set_requires_grad(dt_tensor t, int32_t value) { DT_GUARD(t->set_requires_grad(value != 0)) }

DT_API int32_t dt_is_leaf(dt_tensor t) { return t->is_leaf() ? 1 : 0; }

/// A new handle to t.grad, or *out = nullptr when t has no gradient.
DT_API int32_t dt_grad(dt_tensor t, dt_tensor* out)
{
    DT_GUARD({
        const at::Tensor& g = t->grad();
        *out = g.defined() ? dt_wrap(g) : nullptr;
    })
}

/// Sets t.grad to undefined (the next backward writes a fresh gradient instead of accumulating).
DT_API int32_t dt_clear_grad(dt_tensor t) { DT_GUARD(t->mutable_grad().reset()) }

/// Fills t.grad with zeros in place when it exists (keeps the buffer).
DT_API int32_t dt_zero_grad(dt_tensor t)
{
    DT_GUARD({
        at::Tensor& g = t->mutable_grad();
        if (g.defined())
        {
            g = g.detach();
            g.zero_();
        }
    })
}

DT_API int32_t dt_detach(dt_tensor t, dt_tensor* out) { DT_GUARD(*out = dt_wrap(t->detach())) }

/// torch.autograd.backward(t, gradient); `gradient` may be null (then t must be a scalar).
DT_API int32_t dt_backward(dt_tensor t, dt_tensor gradient, int32_t retainGraph, int32_t createGraph)
{
    DT_GUARD({
        torch::autograd::variable_list grads;
        if (gradient) grads.push_back(*gradient);
        torch::autograd::backward({*t}, grads, c10::optional<bool>(retainGraph != 0 || createGraph != 0), createGraph != 0);
    })
}

/// torch.autograd.grad(outputs, inputs, grad_outputs); writes nInputs handles to `results` (null where unused).
DT_API int32_t dt_autograd_grad(const dt_tensor* outputs, int32_t nOutputs, const dt_tensor* inputs, int32_t nInputs,
                                const dt_tensor* gradOutputs, int32_t nGradOutputs, int32_t retainGraph, int32_t createGraph,
                                int32_t allowUnused, dt_tensor* results)
{
    DT_GUARD({
        auto grads = torch::autograd::grad(dt_list(outputs, nOutputs), dt_list(inputs, nInputs), dt_list(gradOutputs, nGradOutputs),
                                           c10::optional<bool>(retainGraph != 0 || createGraph != 0), createGraph != 0, allowUnused != 0);
        if (static_cast<int64_t>(grads.size()) != nInputs)
            throw std::runtime_error("autograd.grad returned " + std::to_string(grads.size()) + " gradients for " + std::to_string(nInputs) + " inputs");
        for (int32_t i = 0; i < nInputs; ++i) results[i] = nullptr;
        for (int32_t i = 0; i < nInputs; ++i) results[i] = grads[i].defined() ? dt_wrap(grads[i]) : nullptr;
    })
}

DT_API int32_t dt_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }

DT_API void dt_set_grad_enabled(int32_t enabled) { c10::GradMode::set_enabled(enabled != 0); }

/// Makes a non-leaf keep its .grad after backward (tensor.retain_grad()).
DT_API int32_t dt_retain_grad(dt_tensor t) { DT_GUARD(t->retain_grad()) }
