package dev.qwenomni.codec;

import dev.qwenomni.io.SafeTensors;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Against tiny24.safetensors, computed by the snac package itself (float64, stored as float32). */
class SnacFixtureParityTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/tiny24.safetensors");
    static final Path CONFIG = Path.of("src/test/resources/fixtures/tiny24.config.json");

    static SnacCodec load(SafeTensors.Reader r) throws IOException {
        SnacCodec codec = new SnacCodec(SnacConfig.read(CONFIG));
        for (Param p : codec.params.params()) r.readFloats("weights/" + p.name, p.v, p.shape);
        return codec;
    }

    @Test
    void everyFixtureWeightHasAParameterAndBack() throws IOException {
        try (SafeTensors.Reader r = SafeTensors.open(FIXTURE)) {
            SnacCodec codec = load(r);
            long weights = r.tensors().keySet().stream().filter(k -> k.startsWith("weights/")).count();
            assertEquals(weights, codec.params.params().size());
        }
    }

    @Test
    void encodeGivesTheFixturesCodesExactlyAndItsLatentWithin1e4() throws IOException {
        try (SafeTensors.Reader r = SafeTensors.open(FIXTURE)) {
            SnacCodec codec = load(r);
            float[] audio = r.floats("io/audio");
            float[] padded = codec.preprocess(audio);
            assertArrayEquals(r.floats("io/preprocessed"), padded);
            float[] latent = codec.encodeLatent(padded);
            double e = dev.qwenomni.nn.GradCheck.maxRelErr(latent, r.floats("io/latent"));
            assertTrue(e < 1e-4, "latent rel err " + e);
            int[][] codes = codec.encode(audio);
            for (int i = 0; i < 3; i++) {
                long[] ref = r.longs("io/codes." + i);
                int[] refI = new int[ref.length];
                for (int j = 0; j < ref.length; j++) refI[j] = (int) ref[j];
                assertArrayEquals(refI, codes[i], "codes level " + i);
            }
            e = dev.qwenomni.nn.GradCheck.maxRelErr(codec.quantizedLatent(codes), r.floats("io/latent_quantized"));
            assertTrue(e < 1e-5, "quantized latent rel err " + e);
        }
    }

    @Test
    void decodeAndGradientsMatch() throws IOException {
        try (SafeTensors.Reader r = SafeTensors.open(FIXTURE)) {
            SnacCodec codec = load(r);
            int[][] codes = new int[3][];
            for (int i = 0; i < 3; i++) codes[i] = java.util.Arrays.stream(r.longs("io/codes." + i)).mapToInt(x -> (int) x).toArray();
            float[] audio = codec.decode(codes, NoiseSource.OFF);
            double e = dev.qwenomni.nn.GradCheck.maxRelErr(audio, r.floats("io/decoded"));
            assertTrue(e < 1e-4, "decoded rel err " + e);
            float[] w = r.floats("io/loss_weights");
            double loss = 0;
            for (int i = 0; i < w.length; i++) loss += (double) audio[i] * w[i];
            assertEquals(r.floats("io/loss")[0], loss, 1e-4 * Math.abs(loss));
            codec.params.zeroGrads();
            codec.decodeBackward(w);
            int checked = 0;
            for (String k : r.tensors().keySet()) {
                if (!k.startsWith("grad/")) continue;
                Param p = codec.params.get(k.substring(5));
                float[] g = new float[(int) p.size];
                for (int i = 0; i < g.length; i++) g[i] = Kernels.get(p.g(), i);
                float[] ref = r.floats(k);
                double max = 0;
                for (float v : ref) max = Math.max(max, Math.abs(v));
                if (max == 0) { for (float v : g) assertEquals(0f, v, 1e-6f, k); checked++; continue; }
                double ge = dev.qwenomni.nn.GradCheck.maxRelErr(g, ref);
                assertTrue(ge < 1e-3, k + " grad rel err " + ge);
                checked++;
            }
            assertEquals(142, checked);
        }
    }

    @Test
    void real24kHzModelHasEveryNameAndShapeOfTheStateDict() throws IOException {
        SnacCodec codec = new SnacCodec(SnacConfig.SNAC_24KHZ);
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/specs/snac24_state_dict.tsv"));
        assertEquals(269, lines.size());
        assertEquals(269, codec.params.params().size());
        long total = 0;
        for (String line : lines) {
            String[] f = line.split("\t");
            Param p = codec.params.get(f[0]);
            assertEquals(f[1].replace(" ", ""), java.util.Arrays.toString(p.shape).replace(" ", ""), f[0]);
            total += p.size;
        }
        assertEquals(19.84e6, total, 0.01e6, "parameters of snac_24khz");
        assertEquals(768, SnacConfig.SNAC_24KHZ.latentDim());
        assertEquals(512, SnacConfig.SNAC_24KHZ.hopLength());
        assertEquals(2048, SnacConfig.SNAC_24KHZ.padMultiple());
    }
}
