package dev.qwenomni.codec;

import dev.qwenomni.audio.Resampler;
import dev.qwenomni.audio.Wav;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Grown codebooks keep every old code's meaning and seed the new codes where the old book quantized. */
class CodebookGrowthTest {
    private static SnacCodec tiny(int codebookSize) {
        SnacCodec c = new SnacCodec(TinyCodec.config(codebookSize, true));
        c.initialize(5);
        return c;
    }

    /** The three speech clips of the test resources at 24 kHz. */
    private static List<float[]> speech() throws IOException {
        List<float[]> clips = new ArrayList<>();
        for (String f : new String[]{"birch_flite_rms_16k.wav", "birch_festival_slt_16k.wav", "glue_flite_awb_16k.wav"}) {
            Wav.Audio a = Wav.read(Path.of("src/test/resources/speech", f));
            clips.add(Resampler.resample(a.samples(), a.sampleRate(), 24000));
        }
        return clips;
    }

    @Test
    void oldCodesDecodeAsBeforeAndNewCodesComeFromEncodings() throws IOException {
        SnacCodec src = tiny(64);
        List<float[]> clips = speech();
        CodebookGrowth.Grown g = CodebookGrowth.grow(src, 128, clips, 3);
        SnacCodec dst = g.codec();
        assertEquals(128, dst.config.codebookSize());

        // every old code decodes to the same samples
        int[][] codes = src.encode(clips.get(0));
        assertArrayEquals(src.decode(codes, NoiseSource.OFF), dst.decode(codes, NoiseSource.OFF));

        for (int l = 0; l < dst.quantizers.size(); l++) {
            float[] before = Layers.read(src.quantizers.get(l).codebook), after = Layers.read(dst.quantizers.get(l).codebook);
            for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i], "level " + l + " old row value " + i);
            // the new rows: all seeded (none left at zero) and drawn without replacement (all different)
            Set<String> rows = new HashSet<>();
            for (int k = 64; k < 128; k++) {
                float[] row = java.util.Arrays.copyOfRange(after, k * 8, k * 8 + 8);
                double norm = 0;
                for (float v : row) norm += v * v;
                assertTrue(norm > 0, "level " + l + " code " + k + " was not seeded");
                rows.add(java.util.Arrays.toString(row));
            }
            assertEquals(64, rows.size(), "level " + l + " has repeated new rows");
            assertEquals(0, dst.quantizers.get(l).reseedSeen(), "training must start with an empty re-seed pool");
            assertTrue(g.report().newCodeShare()[l] > 0.1, "level " + l + " picks new codes " + g.report().newCodeShare()[l]);
        }
        // on the clips it was seeded from, the coarsest level (the same input before and after) quantizes closer; the finer
        // levels see other residuals, so an untrained codec promises nothing there (the committed one: 0.0104 -> 0.0074, 0.0169 -> 0.0114)
        assertTrue(g.report().errorAfter()[0] < 0.9 * g.report().errorBefore()[0],
                "level 0: code-space error " + g.report().errorBefore()[0] + " -> " + g.report().errorAfter()[0]);
        // the same seed grows the same codec
        SnacCodec again = CodebookGrowth.grow(src, 128, clips, 3).codec();
        for (int l = 0; l < dst.quantizers.size(); l++)
            assertArrayEquals(Layers.read(dst.quantizers.get(l).codebook), Layers.read(again.quantizers.get(l).codebook));
    }

    @Test
    void refusesToShrinkOrToSeedFromTooLittleAudio() throws IOException {
        SnacCodec src = tiny(64);
        IllegalArgumentException shrink = assertThrows(IllegalArgumentException.class, () -> CodebookGrowth.grow(src, 64, speech(), 1));
        assertTrue(shrink.getMessage().contains("growing only"), shrink.getMessage());
        // 0.2 s has about 2 coarse frames, far fewer than 64 new codes
        List<float[]> short1 = List.of(java.util.Arrays.copyOf(speech().get(0), 4800));
        IllegalArgumentException little = assertThrows(IllegalArgumentException.class, () -> CodebookGrowth.grow(src, 128, short1, 1));
        assertTrue(little.getMessage().contains("level 0") && little.getMessage().contains("more audio"), little.getMessage());
    }
}
