/*
 * Iterative binary search.
 */
int binary_search(const int *a, int n, int key)
{
    int lo = 0;
    int hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] == key) {
            return mid;
        } else if (a[mid] < key) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return -1;
}

extern int errno_value;
static inline int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
