package dev.qwenomni.model;

import dev.qwenomni.io.HfCheckpoint;
import dev.qwenomni.io.SafeTensors;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logits, loss and every parameter gradient against the PyTorch autograd fixture (float64 reference). */
class Qwen3FixtureParityTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/tiny_qwen3.safetensors");
    static final Path CONFIG = Path.of("src/test/resources/fixtures/tiny_qwen3.config.json");

    @ParameterizedTest
    @EnumSource(AttentionKind.class)
    void matchesPytorchReference(AttentionKind kind) throws Exception {
        Qwen3Model model = new Qwen3Model(Qwen3Config.read(CONFIG), kind);
        try (SafeTensors.Reader r = SafeTensors.open(FIXTURE)) {
            HfCheckpoint.loadWeights(model.weights, r, "weights/");
            long[] ids = r.longs("io/input_ids"), labels = r.longs("io/labels");
            long[] shape = r.info("io/input_ids").shape();
            int B = (int) shape[0], T = (int) shape[1];
            int[] in = new int[B * T], tg = new int[B * T];
            for (int b = 0; b < B; b++)
                for (int t = 0; t < T; t++) {
                    in[b * T + t] = (int) ids[b * T + t];
                    tg[b * T + t] = t + 1 < T ? (int) labels[b * T + t + 1] : -100; // HF shift
                }
            model.params().zeroGrads();
            Qwen3Model.Result res = model.forward(in, tg, B, T, 1f);
            model.backward();

            float[] logits = model.logits().data().asFloat();
            float[] refLogits = r.floats("io/logits");
            double le = dev.qwenomni.nn.GradCheck.maxRelErr(java.util.Arrays.copyOf(logits, refLogits.length), refLogits);
            assertTrue(le < 1e-5, "logits rel err " + le);
            double refLoss = r.floats("io/loss")[0];
            assertEquals(refLoss, res.loss(), 1e-5 * Math.abs(refLoss), "loss");

            for (Param p : model.params().params()) {
                float[] g = new float[(int) p.size];
                for (int i = 0; i < g.length; i++) g[i] = dev.qwenomni.tensor.Kernels.get(p.g(), i);
                float[] ref = r.floats("grad/" + p.name);
                double e = dev.qwenomni.nn.GradCheck.maxRelErr(g, ref);
                assertTrue(e < 1e-4, p.name + " grad rel err " + e);
            }
        }
    }
}
