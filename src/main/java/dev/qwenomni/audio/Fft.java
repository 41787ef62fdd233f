package dev.qwenomni.audio;

import java.util.concurrent.ConcurrentHashMap;

/**
 * In-place radix-2 discrete Fourier transform on split real/imaginary double arrays, with the
 * twiddles and bit-reversal table computed once per size: X_k = sum_j x_j e^{-2 pi i j k / n}.
 * The spectral losses call it per frame thousands of times a step, so nothing is allocated per
 * call (Commons Math's transformer made a Complex object per bin). Immutable, shared by size.
 */
public final class Fft {
    private static final ConcurrentHashMap<Integer, Fft> BY_SIZE = new ConcurrentHashMap<>();

    private final int n;
    private final int[] reversed;
    private final double[] cos, sin; // e^{-2 pi i k / n} for k < n / 2

    private Fft(int n) {
        this.n = n;
        int bits = Integer.numberOfTrailingZeros(n);
        reversed = new int[n];
        for (int i = 0; i < n; i++) reversed[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        cos = new double[Math.max(1, n / 2)];
        sin = new double[Math.max(1, n / 2)];
        for (int k = 0; k < n / 2; k++) {
            double a = -2 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
    }

    /** The transform of size n, a power of two. */
    public static Fft of(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two, got " + n);
        return BY_SIZE.computeIfAbsent(n, Fft::new);
    }

    public int size() { return n; }

    /** Replaces (re, im), each of length n, by their forward transform. */
    public void forward(double[] re, double[] im) {
        for (int i = 0; i < n; i++) {
            int j = reversed[i];
            if (j > i) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1, step = n / len;
            for (int start = 0; start < n; start += len)
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * step], wi = sin[k * step];
                    int a = start + k, b = a + half;
                    double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr; im[b] = im[a] - xi;
                    re[a] += xr; im[a] += xi;
                }
        }
    }

    /** Replaces (re, im) by their inverse transform, x_j = (1/n) sum_k X_k e^{+2 pi i j k / n}. */
    public void inverse(double[] re, double[] im) {
        for (int i = 0; i < n; i++) im[i] = -im[i];
        forward(re, im);
        for (int i = 0; i < n; i++) { re[i] /= n; im[i] = -im[i] / n; }
    }

    /** The transform of a real signal: re holds it on entry; im is overwritten (zeros in, spectrum out). */
    public void forwardReal(double[] re, double[] im) {
        java.util.Arrays.fill(im, 0, n, 0);
        forward(re, im);
    }
}
