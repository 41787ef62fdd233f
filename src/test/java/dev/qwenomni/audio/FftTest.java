package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The FFT against the DFT's definition, summed directly in double. */
class FftTest {
    @Test
    void matchesTheDirectSumAtEverySize() {
        Random r = new Random(4);
        for (int n : new int[]{1, 2, 4, 8, 64, 512, 2048}) {
            double[] re = new double[n], im = new double[n], xr = new double[n], xi = new double[n];
            for (int i = 0; i < n; i++) { xr[i] = re[i] = r.nextGaussian(); xi[i] = im[i] = r.nextGaussian(); }
            Fft.of(n).forward(re, im);
            double scale = Math.sqrt(n);
            for (int k = 0; k < n; k++) {
                double sr = 0, si = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) j * k % n) / n;
                    sr += xr[j] * Math.cos(a) - xi[j] * Math.sin(a);
                    si += xr[j] * Math.sin(a) + xi[j] * Math.cos(a);
                }
                assertEquals(sr, re[k], 1e-12 * scale * n, "n " + n + " bin " + k + " real");
                assertEquals(si, im[k], 1e-12 * scale * n, "n " + n + " bin " + k + " imaginary");
            }
        }
    }

    @Test
    void aRealCosineLandsInItsTwoBins() {
        int n = 256;
        double[] re = new double[n], im = new double[n];
        for (int i = 0; i < n; i++) { re[i] = Math.cos(2 * Math.PI * 5 * i / n); im[i] = 99; }
        Fft.of(n).forwardReal(re, im);
        for (int k = 0; k < n; k++) {
            double mag = Math.hypot(re[k], im[k]);
            assertEquals(k == 5 || k == n - 5 ? n / 2.0 : 0, mag, 1e-9, "bin " + k);
        }
    }

    @Test
    void refusesSizesThatAreNotPowersOfTwo() {
        var e = assertThrows(IllegalArgumentException.class, () -> Fft.of(12));
        assertEquals("FFT size must be a power of two, got 12", e.getMessage());
    }
}
