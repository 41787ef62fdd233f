package dev.qwenomni.nn;

import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Tensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static dev.qwenomni.nn.GradCheck.copy;
import static dev.qwenomni.nn.GradCheck.fill;
import static dev.qwenomni.tensor.Tensors.seg;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every attention variant against the materialized reference, forward and backward. */
class AttentionVariantsTest {

    @ParameterizedTest
    @CsvSource({"2, 130, 4, 2, 64", "1, 33, 4, 4, 16", "1, 64, 8, 1, 32"})
    void variantsAgreeWithReference(int B, int T, int H, int Hkv, int D) {
        Attention.Shape sh = new Attention.Shape(B, T, H, Hkv, D);
        Random rnd = new Random(7);
        long nq = (long) B * H * T * D, nk = (long) B * Hkv * T * D;
        INDArray q = Tensors.zeros(nq), k = Tensors.zeros(nk), v = Tensors.zeros(nk), dout = Tensors.zeros(nq);
        fill(seg(q), nq, rnd, 1);
        fill(seg(k), nk, rnd, 1);
        fill(seg(v), nk, rnd, 1);
        fill(seg(dout), nq, rnd, 1);
        float[][] ref = run(AttentionKind.MATERIALIZED, sh, q, k, v, dout);
        for (AttentionKind kind : AttentionKind.values()) {
            float[][] got = run(kind, sh, q, k, v, dout);
            String[] names = {"out", "dq", "dk", "dv"};
            for (int i = 0; i < 4; i++) {
                double e = GradCheck.maxRelErr(got[i], ref[i]);
                assertTrue(e < 1e-5, kind + " " + names[i] + " differs from the reference: " + e);
            }
        }
        // the block-causal kernel with small blocks, so every shape has several, the last one short
        for (int rows : new int[]{1, 8, 13}) {
            float[][] got = run(new BlockCausalAttention(sh, new Arena(), rows), q, k, v, dout);
            String[] names = {"out", "dq", "dk", "dv"};
            for (int i = 0; i < 4; i++) {
                double e = GradCheck.maxRelErr(got[i], ref[i]);
                assertTrue(e < 1e-5, "block-causal (" + rows + "-row blocks) " + names[i] + " differs from the reference: " + e);
            }
        }
    }

    private static float[][] run(AttentionKind kind, Attention.Shape sh, INDArray q, INDArray k, INDArray v, INDArray dout) {
        return run(kind.create(sh, new Arena()), q, k, v, dout);
    }

    private static float[][] run(Attention att, INDArray q, INDArray k, INDArray v, INDArray dout) {
        INDArray o = Tensors.zeros(q.length()), dq = Tensors.zeros(q.length()), dk = Tensors.zeros(k.length()), dv = Tensors.zeros(v.length());
        att.forward(q, k, v, o);
        att.backward(dout, q, k, v, o, dq, dk, dv);
        return new float[][]{copy(seg(o), o.length()), copy(seg(dq), dq.length()), copy(seg(dk), dk.length()), copy(seg(dv), dv.length())};
    }
}
