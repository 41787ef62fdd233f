package dev.qwenomni.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.model.Qwen3Model;
import dev.qwenomni.nn.AttentionKind;
import dev.qwenomni.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A run with bf16 matrix products follows the float32 run's loss curve, and its checkpoints say which precision ran. */
class MixedPrecisionTrainingTest {
    @TempDir
    Path dir;

    private List<Double> run(String precision, int steps) throws IOException {
        ResumeTest.loadCorpus();
        Path out = dir.resolve(precision);
        TrainConfig tc = ResumeTest.tc(steps).with(c -> { c.precision = precision; c.evalEvery = steps; c.checkpointEvery = steps; });
        new Trainer(ResumeTest.task(new Qwen3Model(ResumeTest.cfg(), AttentionKind.FLASH)), tc, out).showProgress(false).run(9);
        List<Double> losses = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode e = json.readTree(line);
            if (e.get("type").asText().equals("train")) losses.add(e.get("loss").asDouble());
        }
        return losses;
    }

    @Test
    void bf16LossCurveFollowsFloat32() throws IOException {
        int steps = 40;
        List<Double> fp32 = run("fp32", steps), bf16 = run("bf16", steps);
        assertEquals(steps, fp32.size());
        double worst = 0;
        for (int i = 0; i < steps; i++) worst = Math.max(worst, Math.abs(bf16.get(i) - fp32.get(i)) / fp32.get(i));
        System.out.printf("loss fp32 %.4f -> %.4f, bf16 %.4f -> %.4f, worst relative gap %.2e%n",
                fp32.get(0), fp32.get(steps - 1), bf16.get(0), bf16.get(steps - 1), worst);
        assertTrue(fp32.get(steps - 1) < 0.8 * fp32.get(0), "the run learns: " + fp32.get(0) + " -> " + fp32.get(steps - 1));
        assertTrue(worst < 2e-3, "bf16 loss departs from float32's by " + worst + " at worst (measured 2.5e-4)");
        assertTrue(worst > 0, "the bf16 run really ran in bf16");
        // the checkpoint records what ran
        try (SafeTensors.Reader r = SafeTensors.open(dir.resolve("bf16/checkpoints/step-000040/" + Checkpoints.STATE))) {
            assertTrue(r.metadata().get("train_config").contains("\"precision\":\"bf16\""), r.metadata().get("train_config"));
        }
    }
}
