// Matrix products, einsum and decompositions (Tensor.Math.cs, Torch.cs, Linalg.cs).
#include "dt_common.h"

#include <vector>

DT_BINARY(mm, at::mm(*a, *b))
DT_BINARY(bmm, at::bmm(*a, *b))
DT_BINARY(outer, at::outer(*a, *b))
DT_BINARY(dot, at::dot(*a, *b))
DT_UNARY(linalg_cholesky, at::linalg_cholesky(*x))
DT_UNARY(linalg_inv, at::linalg_inv(*x))
DT_UNARY(linalg_det, at::linalg_det(*x))
DT_UNARY(linalg_eigvalsh, at::linalg_eigvalsh(*x))
DT_UNARY(trace, at::trace(*x))
DT_UNARY(tril, at::tril(*x))
DT_UNARY(triu, at::triu(*x))
DT_BINARY(linalg_solve, at::linalg_solve(*a, *b))

DT_API int32_t dt_einsum(const char* equation, const dt_tensor* items, int32_t n, dt_tensor* out)
{
    DT_GUARD({
        std::vector<at::Tensor> list;
        for (int32_t i = 0; i < n; ++i) list.push_back(*items[i]);
        *out = dt_wrap(at::einsum(equation, list));
    })
}

DT_API int32_t dt_linalg_eigh(dt_tensor x, dt_tensor* values, dt_tensor* vectors)
{
    DT_GUARD({
        auto r = at::linalg_eigh(*x);
        *values = dt_wrap(std::get<0>(r));
        *vectors = dt_wrap(std::get<1>(r));
    })
}

DT_API int32_t dt_linalg_svd(dt_tensor x, int32_t fullMatrices, dt_tensor* u, dt_tensor* s, dt_tensor* vh)
{
    DT_GUARD({
        auto r = at::linalg_svd(*x, fullMatrices != 0);
        *u = dt_wrap(std::get<0>(r));
        *s = dt_wrap(std::get<1>(r));
        *vh = dt_wrap(std::get<2>(r));
    })
}
