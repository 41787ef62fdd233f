package dev.qwenomni.codec;

import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoint averaging: the element-wise mean, bit-exact where the codecs agree, one config only. */
class CodecAveragingTest {
    private static SnacCodec codec(long seed) {
        SnacCodec c = new SnacCodec(TinyCodec.config(64, true));
        c.initialize(seed);
        return c;
    }

    @Test
    void theMeanOfThreeIsElementWiseAndSharedTensorsStayBitForBit() {
        SnacCodec a = codec(1), b = codec(2), c = codec(3);
        // fine-tunes of one codec with its codes frozen share the codebooks and out_proj exactly
        b.copyWeights(a, SnacCodec::definesCodeVectors);
        c.copyWeights(a, SnacCodec::definesCodeVectors);
        SnacCodec mean = CodecAveraging.average(List.of(a, b, c));
        assertEquals(CodecCheckpoint.codebooksSha256(a), CodecCheckpoint.codebooksSha256(mean));
        int checked = 0, differing = 0;
        for (Param p : mean.params.params()) {
            Param pa = a.params.get(p.name), pb = b.params.get(p.name), pc = c.params.get(p.name);
            for (long i = 0; i < p.size; i++) {
                float va = Kernels.get(pa.v, i), vb = Kernels.get(pb.v, i), vc = Kernels.get(pc.v, i), m = Kernels.get(p.v, i);
                if (va == vb && vb == vc) assertEquals(Float.floatToIntBits(va), Float.floatToIntBits(m), p.name + "[" + i + "]");
                else {
                    differing++;
                    assertEquals(((double) va + vb + vc) / 3, m, 1e-6 * (1 + Math.abs(m)), p.name + "[" + i + "]");
                }
                checked++;
            }
        }
        assertEquals(a.params.count(), checked);
        assertTrue(differing > checked / 2, differing + " of " + checked + " values differ between the seeds");
        // the mean is a working codec: it encodes and decodes
        float[] x = mean.preprocess(new float[5000]);
        assertEquals(x.length, mean.decode(mean.encode(x), NoiseSource.OFF).length);
    }

    @Test
    void codecsOfDifferentConfigsOrFewerThanTwoAreRefused() {
        SnacCodec other = new SnacCodec(TinyCodec.config(128, true));
        other.initialize(1);
        var e = assertThrows(IllegalArgumentException.class, () -> CodecAveraging.average(List.of(codec(1), other)));
        assertTrue(e.getMessage().contains("codec 2 has config") && e.getMessage().contains("128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CodecAveraging.average(List.of(codec(1))));
        assertTrue(e.getMessage().contains("at least two"), e.getMessage());
    }
}
