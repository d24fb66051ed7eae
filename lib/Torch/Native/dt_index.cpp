// Indexing by index tensors and masks (Tensor.Index.cs).
#include "dt_common.h"

DT_API int32_t dt_index_select(dt_tensor x, int64_t dim, dt_tensor index, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::index_select(*x, dim, *index))) }
DT_API int32_t dt_gather(dt_tensor x, int64_t dim, dt_tensor index, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::gather(*x, dim, *index))) }
DT_API int32_t dt_scatter_add(dt_tensor x, int64_t dim, dt_tensor index, dt_tensor src, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::scatter_add(*x, dim, *index, *src))) }
DT_API int32_t dt_scatter(dt_tensor x, int64_t dim, dt_tensor index, dt_tensor src, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::scatter(*x, dim, *index, *src))) }
DT_API int32_t dt_masked_select(dt_tensor x, dt_tensor mask, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::masked_select(*x, *mask))) }
DT_API int32_t dt_nonzero(dt_tensor x, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::nonzero(*x))) }
DT_API int32_t dt_index_add(dt_tensor x, int64_t dim, dt_tensor index, dt_tensor src, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::index_add(*x, dim, *index, *src))) }
DT_API int32_t dt_one_hot(dt_tensor x, int64_t classes, dt_tensor* out) { DT_GUARD(*out = dt_wrap(at::one_hot(*x, classes))) }
