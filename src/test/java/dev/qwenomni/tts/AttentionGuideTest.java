package dev.qwenomni.tts;

import dev.qwenomni.nn.Attention;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Arena;
import dev.qwenomni.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static dev.qwenomni.nn.GradCheck.fill;
import static dev.qwenomni.tensor.Tensors.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guide's penalty means what it says: off-diagonal attention mass over the guided rows. */
class AttentionGuideTest {

    @Test
    void uniformAttentionPaysTheMassOutsideTheDiagonal() {
        // zero queries: every row attends uniformly to its i + 1 keys
        int B = 1, T = 12, H = 2, D = 4;
        Attention att = AttentionKind.MATERIALIZED.create(new Attention.Shape(B, T, H, 1, D), new Arena());
        INDArray q = Tensors.zeros((long) B * H * T * D), k = Tensors.zeros((long) B * T * D), v = Tensors.zeros((long) B * T * D);
        fill(seg(k), k.length(), new Random(1), 1);
        fill(seg(v), v.length(), new Random(2), 1);
        AttentionGuide g = new AttentionGuide(1, 0.2, 3, 1.0);
        AttentionGuide.Batch batch = AttentionGuide.Batch.empty(B * T);
        batch.diagonal(0, T, 1, 5, 6, 11, g.sigma); // text 1..4, audio 6..10: rows 5..10 guided
        assertEquals(6, batch.guidedRows());
        att.auxiliaryLoss(g.on(batch), 0f);
        att.forward(q, k, v, Tensors.zeros((long) B * T * H * D));
        double expect = 0;
        for (int i = 5; i <= 10; i++) {
            float n = (i - 6 + 1) / 6f;
            double on = 0;
            for (int j = 0; j < 4; j++) on += AttentionGuide.prior(j, 4 * n, 0.2f * 4) / (i + 1);
            expect += 1 - on;
        }
        assertEquals(expect, att.auxiliaryPenalty(), 1e-5, "one guided head: the sum over its guided rows");
        assertTrue(att.auxiliaryPenalty() > 0.75 * 6 && att.auxiliaryPenalty() < 6, "uniform attention is mostly off the text: " + att.auxiliaryPenalty());
        // the prior peaks where text progress meets audio progress
        assertTrue(AttentionGuide.prior(0, 0.5f, 0.8f) > 0.99 && AttentionGuide.prior(3, 0.5f, 0.8f) < 0.1);
    }

    @Test
    void flashKernelRefusesAGuide() {
        Attention att = AttentionKind.FLASH.create(new Attention.Shape(1, 4, 1, 1, 4), new Arena());
        AttentionGuide.Batch batch = AttentionGuide.Batch.empty(4);
        batch.diagonal(0, 4, 0, 1, 2, 3, 0.2f);
        assertThrows(UnsupportedOperationException.class, () -> att.auxiliaryLoss(new AttentionGuide(1, 0.2, 3, 1).on(batch), 1f));
    }

    @Test
    void alignedRowsLookAtTheirFramesPhone() {
        AttentionGuide.Batch batch = AttentionGuide.Batch.empty(40);
        // text at 2..11, two frames of 7 audio tokens at 15..28: frame 0 on byte 1.5, frame 1 on byte 6
        batch.aligned(0, 40, 2, 12, 15, 29, new float[]{1.5f, 6f}, 7, 2f);
        assertEquals(15, batch.guidedRows(), "14 audio tokens and the stop");
        assertEquals(1.5f, batch.center()[14]);  // reads start_of_speech, predicts frame 0's first token
        assertEquals(1.5f, batch.center()[20]);  // predicts frame 0's last token
        assertEquals(6f, batch.center()[21]);    // predicts frame 1's first token
        assertEquals(6f, batch.center()[28]);    // predicts the stop
        assertTrue(Float.isNaN(batch.center()[29]));
        assertEquals(2, batch.textFrom()[20]);
        assertThrows(IllegalArgumentException.class, () -> batch.aligned(0, 40, 2, 12, 15, 29, new float[]{1f}, 7, 2f));
    }
}
