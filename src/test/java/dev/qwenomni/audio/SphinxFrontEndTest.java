package dev.qwenomni.audio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class SphinxFrontEndTest {
    static final String PARAMS = "-lowerf 130\n-upperf 6800\n-nfilt 25\n-transform dct\n-lifter 22\n-feat 1s_c_d_dd\n-cmn batch\n";

    /** A gauden file of 2 codebooks x 3 streams x 2 densities x 13, where feature k of every Gaussian has variance (k+1) x (density+1). */
    static byte[] variances(ByteOrder order, int count) {
        byte[] header = "s3\nversion 1.0\nchksum0 no\nendhdr\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(header.length + 4 * (8 + 2 * 3 * 2 * 13)).order(order);
        b.put(header).putInt(0x11223344).putInt(2).putInt(3).putInt(2).putInt(13).putInt(13).putInt(13).putInt(count);
        for (int g = 0; g < 2; g++)
            for (int s = 0; s < 3; s++)
                for (int d = 0; d < 2; d++)
                    for (int k = 0; k < 13; k++) b.putFloat((s * 13 + k + 1) * (d + 1));
        return b.array();
    }

    @Test
    void readsTheFilterbankAndEachFeaturesDeviationInEitherByteOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("feat.params"), PARAMS);
        for (ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Files.write(dir.resolve("variances"), variances(order, 2 * 2 * 39));
            RecogniserFeatureLoss.FrontEnd fe = SphinxFrontEnd.read(dir);
            assertEquals(130, fe.lowHz());
            assertEquals(6800, fe.highHz());
            assertEquals(25, fe.bands());
            assertEquals(22, fe.lifter());
            double[] sigma = fe.sigma();
            // mean over the densities of (i+1) x {1, 2}
            for (int i = 0; i < 39; i++) assertEquals(Math.sqrt(1.5 * (i + 1)), sigma[i], 1e-12, order + " feature " + i);
        }
        assertEquals(1, fe0().lifterWeight(0));
        assertEquals(12, fe0().lifterWeight(11), 1e-12);
    }

    private static RecogniserFeatureLoss.FrontEnd fe0() {
        double[] s = new double[39];
        Arrays.fill(s, 1);
        return new RecogniserFeatureLoss.FrontEnd(130, 6800, 25, 22, s);
    }

    @Test
    void malformedModelsAreRefusedWithTheFileNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("feat.params"), PARAMS);
        Path v = dir.resolve("variances");
        Files.write(v, variances(ByteOrder.LITTLE_ENDIAN, 2 * 2 * 39 + 1));
        var e = assertThrows(IOException.class, () -> SphinxFrontEnd.read(dir));
        assertTrue(e.getMessage().contains(v.toString()) && e.getMessage().contains("157 values"), e.getMessage());
        byte[] whole = variances(ByteOrder.LITTLE_ENDIAN, 2 * 2 * 39);
        Files.write(v, Arrays.copyOf(whole, whole.length - 10));
        e = assertThrows(IOException.class, () -> SphinxFrontEnd.read(dir));
        assertTrue(e.getMessage().contains(v.toString()) && e.getMessage().contains("ends before"), e.getMessage());
        Files.writeString(v, "not a model\n");
        e = assertThrows(IOException.class, () -> SphinxFrontEnd.read(dir));
        assertTrue(e.getMessage().contains("endhdr"), e.getMessage());
        Files.write(v, whole);
        Files.writeString(dir.resolve("feat.params"), PARAMS.replace("1s_c_d_dd", "1s_c_d"));
        e = assertThrows(IOException.class, () -> SphinxFrontEnd.read(dir));
        assertTrue(e.getMessage().contains("feat.params") && e.getMessage().contains("1s_c_d"), e.getMessage());
    }

    /** The installed pocketsphinx-en-us model; the figures were read from its files by a separate Python reader. */
    @Test
    void theInstalledModelsFrontEnd() throws IOException {
        dev.qwenomni.Requires.that(Files.isRegularFile(SphinxFrontEnd.ACOUSTIC_MODEL.resolve("variances")), "pocketsphinx-en-us is not installed");
        RecogniserFeatureLoss.FrontEnd fe = SphinxFrontEnd.installed();
        assertEquals(fe, SphinxFrontEnd.installedIfReadable());
        assertEquals(130, fe.lowHz());
        assertEquals(6800, fe.highHz());
        assertEquals(25, fe.bands());
        assertEquals(22, fe.lifter());
        double[] sigma = fe.sigma();
        // mean variances 33.366 (c0), 53.98 (c1), 98.518 (c12), 33.92 (delta c0), 189.385 (delta-delta c12)
        assertEquals(Math.sqrt(33.366), sigma[0], 1e-3);
        assertEquals(Math.sqrt(53.98), sigma[1], 1e-3);
        assertEquals(Math.sqrt(98.518), sigma[12], 1e-3);
        assertEquals(Math.sqrt(33.92), sigma[13], 1e-3);
        assertEquals(Math.sqrt(189.385), sigma[38], 1e-3);
    }
}
