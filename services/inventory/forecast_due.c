/* services/inventory/forecast_due.c — see forecast_due.h. A refresh takes a
 * few hundred levels at most, so sorting and a binary search are all it
 * needs. */
#include "services/inventory/forecast_due.h"

#include <stdlib.h>

static int
cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int
cmp_level(const void *pa, const void *pb)
{
    const struct fc_due_level *a = pa, *b = pb;
    int c = cmp_i64(a->product_id, b->product_id);

    return c ? c : cmp_i64(a->store_id, b->store_id);
}

void
fc_due_sort(struct fc_due_level *l, size_t n)
{
    if (n > 1)
        qsort(l, n, sizeof *l, cmp_level);
}

static int
cmp_lock(const void *pa, const void *pb)
{
    const struct fc_due_level *a = pa, *b = pb;
    int c = cmp_i64(a->store_id, b->store_id);

    return c ? c : cmp_i64(a->product_id, b->product_id);
}

void
fc_due_sort_for_locking(struct fc_due_level *l, size_t n)
{
    if (n > 1)
        qsort(l, n, sizeof *l, cmp_lock);
}

size_t
fc_due_group_end(const struct fc_due_level *l, size_t n, size_t a)
{
    size_t b = a;

    while (b < n && l[b].product_id == l[a].product_id)
        b++;
    return b;
}

int
fc_due_has_store(const struct fc_due_level *l, size_t n, int64_t store_id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l[mid].store_id < store_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && l[lo].store_id == store_id;
}

static int
cmp_id(const void *pa, const void *pb)
{
    return cmp_i64(*(const int64_t *)pa, *(const int64_t *)pb);
}

size_t
fc_due_categories(const struct fc_due_level *l, size_t n, int64_t *out)
{
    size_t k = 0, m = 0;

    for (size_t i = 0; i < n; i++)
        if (l[i].category_id > 0)
            out[k++] = l[i].category_id;
    if (k > 1)
        qsort(out, k, sizeof *out, cmp_id);
    for (size_t i = 0; i < k; i++)
        if (m == 0 || out[i] != out[m - 1])
            out[m++] = out[i];
    return m;
}
