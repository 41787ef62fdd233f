package dev.qwenomni.audio;

import dev.qwenomni.sys.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** Log-mel spectrograms of several signals stacked in one PNG (e.g. original above reconstruction). */
public final class SpectrogramImage {
    private SpectrogramImage() {}

    public static void write(Path png, int rate, float[]... signals) throws IOException {
        int nMels = 80, hop = rate / 100, nfft = 1024, rowH = nMels * 2, gap = 4;
        MelCepstrum mel = new MelCepstrum(rate, nfft, hop, nMels, 1);
        double[][][] specs = new double[signals.length][][];
        double max = Double.NEGATIVE_INFINITY;
        int width = 1;
        for (int s = 0; s < signals.length; s++) {
            specs[s] = mel.logMel(signals[s]);
            width = Math.max(width, specs[s].length);
            for (double[] f : specs[s]) for (double v : f) max = Math.max(max, v);
        }
        double min = max - 8; // 8 nepers (~70 dB) of range
        BufferedImage img = new BufferedImage(width * 2, signals.length * (rowH + gap), BufferedImage.TYPE_INT_RGB);
        for (int s = 0; s < signals.length; s++)
            for (int t = 0; t < specs[s].length; t++)
                for (int m = 0; m < nMels; m++) {
                    double v = Math.max(0, Math.min(1, (specs[s][t][m] - min) / (max - min)));
                    int rgb = color(v);
                    int y0 = s * (rowH + gap) + (nMels - 1 - m) * 2;
                    for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) img.setRGB(t * 2 + dx, y0 + dy, rgb);
                }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        AtomicFiles.write(png, out.toByteArray());
    }

    /** A dark-blue to yellow ramp. */
    private static int color(double v) {
        int r = (int) (255 * Math.min(1, Math.max(0, 1.8 * v - 0.6)));
        int g = (int) (255 * Math.min(1, Math.max(0, 1.4 * v - 0.2)));
        int b = (int) (255 * Math.min(1, Math.max(0, 0.6 - 0.6 * v + 0.3 * Math.sin(Math.PI * v))));
        return (r << 16) | (g << 8) | b;
    }
}
