#include <stdlib.h>

typedef int (*compare_fn)(const void *, const void *);

static int compare_ints(const void *a, const void *b)
{
    const int x = *(const int *)a;
    const int y = *(const int *)b;
    return (x > y) - (x < y);
}

struct sorter {
    compare_fn cmp;
    unsigned long calls;
    unsigned int flags : 4;
};

void sort_ints(int *values, size_t n, struct sorter *s)
{
    s->calls++;
    qsort(values, n, sizeof *values, s->cmp ? s->cmp : compare_ints);
}
