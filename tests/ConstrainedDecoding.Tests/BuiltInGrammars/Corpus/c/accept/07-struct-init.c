#include <stdio.h>

struct point { int x, y; };
union value { int i; float f; char bytes[4]; };

struct point make_point(int x, int y)
{
    struct point p = { .x = x, .y = y };
    return p;
}

int main(int argc, char **argv)
{
    struct point pts[2] = { {1, 2}, {3, 4} };
    struct point q = (struct point){ 5, 6 };
    union value v;
    v.f = 1.5f;
    long long big = 1234567890123LL;
    printf("%d %d %lld %s\n", pts[1].x, q.y, big, argc > 1 ? argv[1] : "none");
    goto done;
done:
    return 0;
}
