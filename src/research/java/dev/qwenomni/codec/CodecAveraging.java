package dev.qwenomni.codec;

import dev.qwenomni.tensor.ParamStore.Param;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The element-wise mean of several codecs' parameters (a "model soup", or checkpoint averaging): for runs that started
 * from the same weights, such as decoder-only fine-tunes of one codec, the mean often sits in a flatter part of the loss
 * than any of them. Weight-normed layers average g and v as stored. Sums run in double, so a tensor that every codec
 * holds bit for bit the same (frozen codebooks, say) comes out bit for bit the same, and with it the codes.
 */
public final class CodecAveraging {
    private CodecAveraging() {}

    public static SnacCodec average(List<SnacCodec> codecs) {
        if (codecs.size() < 2) throw new IllegalArgumentException("averaging needs at least two codecs, not " + codecs.size());
        SnacCodec first = codecs.get(0);
        String config = CodecCheckpoint.configJson(first.config).toString();
        for (int i = 1; i < codecs.size(); i++) {
            String other = CodecCheckpoint.configJson(codecs.get(i).config).toString();
            if (!other.equals(config))
                throw new IllegalArgumentException("codec " + (i + 1) + " has config " + other + ", codec 1 has " + config
                        + ": only codecs of one config can be averaged");
        }
        SnacCodec mean = new SnacCodec(first.config);
        for (Param p : mean.params.params()) {
            double[] sum = new double[Math.toIntExact(p.size)];
            for (SnacCodec c : codecs) {
                MemorySegment v = c.params.get(p.name).v;
                for (int k = 0; k < sum.length; k++) sum[k] += v.getAtIndex(ValueLayout.JAVA_FLOAT, k);
            }
            for (int k = 0; k < sum.length; k++) p.v.setAtIndex(ValueLayout.JAVA_FLOAT, k, (float) (sum[k] / codecs.size()));
        }
        return mean;
    }
}
