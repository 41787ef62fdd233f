package dev.qwenomni.io;

import dev.qwenomni.model.Qwen3Config;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.tensor.Kernels;
import dev.qwenomni.tensor.ParamStore.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.*;

class HfCheckpointTest {
    @TempDir
    Path dir;

    static Qwen3Config small(boolean tied) {
        return new Qwen3Config("qwen3", 40, 16, 24, 2, 4, 2, 8, 1e6, 1e-6, tied, false, false, true, 64, -1, 39);
    }

    /**
     * Inference holds the weights alone: a loaded model computes logits without the gradient and
     * AdamW buffers (three times the weights), which appear when training first asks for them.
     */
    @Test
    void aLoadedModelComputesLogitsWithoutGradientOrMomentBuffers() throws IOException {
        Qwen3Model a = new Qwen3Model(small(true), AttentionKind.MATERIALIZED);
        a.weights.initialize(3);
        Path d = dir.resolve("inference");
        HfCheckpoint.save(a, d, null);
        Qwen3Model b = HfCheckpoint.load(d, AttentionKind.MATERIALIZED);
        int[] ids = {1, 5, 7};
        b.forward(ids, null, 1, ids.length, 1f);
        assertFalse(b.params().hasGradients(), "a forward for logits allocated gradients");
        b.params().zeroGrads();
        assertTrue(b.params().hasGradients());
        assertEquals(b.params().flatLength(), b.params().adamM().length(), "the moments come with the gradients");
    }

    @Test
    void saveThenLoadGivesIdenticalWeightsAndTheSameLogitsToRounding() throws IOException {
        for (boolean tied : new boolean[]{true, false}) {
            Qwen3Model a = new Qwen3Model(small(tied), AttentionKind.MATERIALIZED);
            a.weights.initialize(5);
            Path d = dir.resolve("ckpt-" + tied);
            HfCheckpoint.save(a, d, null);
            String cfg = Files.readString(d.resolve("config.json"));
            assertTrue(cfg.contains("\"Qwen3ForCausalLM\"") && cfg.contains("\"head_dim\" : 8") && cfg.contains("\"rope_theta\" : 1000000.0"), cfg);
            Qwen3Model b = HfCheckpoint.load(d, AttentionKind.FLASH);
            assertEquals(a.config, b.config);
            for (Param p : a.params().params()) {
                Param q = b.params().get(p.name);
                for (long i = 0; i < p.size; i++) assertEquals(Kernels.get(p.v, i), Kernels.get(q.v, i), p.name);
            }
            int[] ids = {1, 5, 7, 39, 0};
            a.forward(ids, null, 1, ids.length, 1f);
            b.forward(ids, null, 1, ids.length, 1f);
            float[] la = a.logits().data().asFloat(), lb = b.logits().data().asFloat();
            for (int i = 0; i < 5 * 40; i++) assertEquals(la[i], lb[i], 1e-5f);
        }
    }

    @Test
    void halfPrecisionCopyLoadsWithNearlyTheSameLogitsAndLeavesTrainerStateBehind() throws IOException {
        Qwen3Model a = new Qwen3Model(small(true), AttentionKind.MATERIALIZED);
        a.weights.initialize(7);
        Path d = dir.resolve("f32"), h = dir.resolve("bf16");
        HfCheckpoint.save(a, d, Map.of("step", "3"));
        Files.writeString(d.resolve("tts.json"), "{\"codebook_size\" : 16}");
        Files.writeString(d.resolve("training_state.safetensors"), "optimizer moments");
        HalfPrecisionCopy.Result r = HalfPrecisionCopy.copy(d, h, SafeTensors.DType.BF16);
        assertEquals(a.params().params().size(), r.tensors());
        assertEquals(java.util.List.of("training_state.safetensors"), r.leftBehind());
        assertTrue(r.bytesOut() < 0.6 * r.bytesIn(), r.bytesOut() + " of " + r.bytesIn());
        assertEquals("{\"codebook_size\" : 16}", Files.readString(h.resolve("tts.json")));
        assertTrue(Files.readString(h.resolve("config.json")).contains("\"torch_dtype\" : \"bfloat16\""));
        try (SafeTensors.Reader w = SafeTensors.open(h.resolve("model.safetensors"))) {
            assertEquals("3", w.metadata().get("step"));
        }
        Qwen3Model b = HfCheckpoint.load(h, AttentionKind.MATERIALIZED);
        int[] ids = {1, 5, 7, 39, 0};
        a.forward(ids, null, 1, ids.length, 1f);
        b.forward(ids, null, 1, ids.length, 1f);
        float[] la = a.logits().data().asFloat(), lb = b.logits().data().asFloat();
        double maxDiff = 0, maxAbs = 0;
        int changed = 0;
        for (int i = 0; i < la.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(la[i] - lb[i]));
            maxAbs = Math.max(maxAbs, Math.abs(la[i]));
            if (la[i] != lb[i]) changed++;
        }
        assertTrue(changed > 0, "the weights were rounded");
        assertTrue(maxDiff < 0.02 * maxAbs, "bf16 logits within 2% of the largest: " + maxDiff + " vs " + maxAbs);
        var same = assertThrows(IOException.class, () -> HalfPrecisionCopy.copy(d, d, SafeTensors.DType.BF16));
        assertTrue(same.getMessage().contains("another folder"), same.getMessage());
        var none = assertThrows(IOException.class, () -> HalfPrecisionCopy.copy(dir.resolve("nowhere"), h, SafeTensors.DType.BF16));
        assertTrue(none.getMessage().contains("nowhere") && none.getMessage().contains("model.safetensors"), none.getMessage());
    }

    @Test
    void shardedIndexLoads() throws IOException {
        Qwen3Model a = new Qwen3Model(small(true), AttentionKind.MATERIALIZED);
        a.weights.initialize(6);
        Path d = dir.resolve("sharded");
        Files.createDirectories(d);
        a.config.write(d.resolve("config.json"));
        Map<String, SafeTensors.Entry> s1 = new LinkedHashMap<>(), s2 = new LinkedHashMap<>();
        StringBuilder map = new StringBuilder("{\"metadata\":{\"total_size\":0},\"weight_map\":{");
        int i = 0;
        for (Param p : a.params().params()) {
            boolean first = i++ % 2 == 0;
            (first ? s1 : s2).put(p.name, new SafeTensors.Entry(p.shape, p.v));
            map.append(i > 1 ? "," : "").append('"').append(p.name).append("\":\"model-0000").append(first ? 1 : 2).append("-of-00002.safetensors\"");
        }
        map.append("}}");
        SafeTensors.writeF32(d.resolve("model-00001-of-00002.safetensors"), s1, null);
        SafeTensors.writeF32(d.resolve("model-00002-of-00002.safetensors"), s2, null);
        Files.writeString(d.resolve(HfCheckpoint.INDEX), map);
        Qwen3Model b = HfCheckpoint.load(d, AttentionKind.MATERIALIZED);
        Param p = b.params().get("model.layers.1.mlp.down_proj.weight");
        assertEquals(Kernels.get(a.params().get(p.name).v, 17), Kernels.get(p.v, 17));
    }

    @Test
    void missingOrMismatchedTensorsNameTheTensor() throws IOException {
        Qwen3Model a = new Qwen3Model(small(false), AttentionKind.MATERIALIZED);
        Path d = dir.resolve("bad");
        Files.createDirectories(d);
        a.config.write(d.resolve("config.json"));
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        for (Param p : a.params().params())
            if (!p.name.equals("lm_head.weight")) t.put(p.name, new SafeTensors.Entry(p.shape, p.v));
        SafeTensors.writeF32(d.resolve(HfCheckpoint.WEIGHTS), t, null);
        IOException e = assertThrows(IOException.class, () -> HfCheckpoint.load(d, AttentionKind.MATERIALIZED));
        assertTrue(e.getMessage().contains("lm_head.weight") && e.getMessage().contains("missing"), e.getMessage());

        t.clear();
        for (Param p : a.params().params()) {
            long[] shape = p.name.endsWith("q_proj.weight") ? new long[]{p.shape[1], p.shape[0]} : p.shape;
            t.put(p.name, new SafeTensors.Entry(shape, p.v));
        }
        SafeTensors.writeF32(d.resolve(HfCheckpoint.WEIGHTS), t, null);
        e = assertThrows(IOException.class, () -> HfCheckpoint.load(d, AttentionKind.MATERIALIZED));
        assertTrue(e.getMessage().contains("q_proj.weight") && e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void configFamiliesAndBadConfigs() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"model_type\":\"qwen2\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"num_key_value_heads\":1}");
        Qwen3Config c = Qwen3Config.read(f);
        assertTrue(c.qkvBias() && !c.oBias() && !c.qkNorm());
        assertEquals(4, c.headDim());
        Files.writeString(f, "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"attention_bias\":true}");
        c = Qwen3Config.read(f);
        assertTrue(c.qkvBias() && c.oBias() && !c.qkNorm());
        assertEquals(1e-5, c.rmsNormEps());
        Files.writeString(f, "{\"model_type\":\"gpt2\"}");
        var e = assertThrows(IllegalArgumentException.class, () -> Qwen3Config.read(f));
        assertTrue(e.getMessage().contains("gpt2") && e.getMessage().contains(f.toString()), e.getMessage());
        Files.writeString(f, "{\"model_type\":\"qwen3\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":3,\"num_key_value_heads\":2}");
        e = assertThrows(IllegalArgumentException.class, () -> Qwen3Config.read(f));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
    }
}
