/* mandelbrot: escape-time iteration over a grid of the complex plane; f64 multiply/add and branches. */
#include "common.h"

static uint64_t bench(int n) {
    const int max_iter = 200;
    uint64_t h = 0;
    for (int py = 0; py < n; py++) {
        double ci = -1.25 + 2.5 * py / n;
        uint64_t row = 0;
        for (int px = 0; px < n; px++) {
            double cr = -2.0 + 2.5 * px / n;
            double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            int i = 0;
            while (i < max_iter && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                i++;
            }
            row = row * 31 + (uint64_t)i;
        }
        h = mix(h, row);
    }
    return h;
}

BENCH_MAIN(bench, 1000)
