#define N 3

static const double identity[N][N] = {
    [0] = {1.0, 0.0, 0.0},
    [1] = {0.0, 1.0, 0.0},
    [2] = {0.0, 0.0, 1.0},
};

void matmul(double out[N][N], const double a[N][N], const double b[N][N])
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double sum = 0.0;
            for (int k = 0; k < N; k++)
                sum += a[i][k] * b[k][j];
            out[i][j] = sum;
        }
}

int bits(unsigned int x)
{
    int count = 0;
    while (x) {
        count += x & 1u;
        x >>= 1;
    }
    return count << 2 | (count ^ 0xFF) & ~count;
}
