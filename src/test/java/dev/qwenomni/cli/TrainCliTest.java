package dev.qwenomni.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The train and logits commands end to end, on a small model and the committed corpus. */
class TrainCliTest {
    @TempDir
    Path dir;

    @Test
    void trainWritesCheckpointMetricsAndPlotAndLearns() throws Exception {
        Path out = dir.resolve("run");
        int rc = Omni.commandLine().execute("train", "--out", out.toString(), "--cache", dir.resolve("cache").toString(),
                "--steps", "80", "--batch", "16", "--seq-len", "128", "--layers", "2", "--hidden", "64", "--heads", "4",
                "--kv-heads", "2", "--head-dim", "16", "--intermediate", "192", "--lr", "5e-3", "--warmup", "10",
                "--eval-every", "40", "--checkpoint-every", "40", "--no-progress");
        assertEquals(0, rc);
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        JsonNode lastEval = null;
        int train = 0;
        for (String l : lines) {
            JsonNode n = json.readTree(l);
            if (n.path("type").asText().equals("train")) train++;
            else lastEval = n;
        }
        assertEquals(80, train);
        assertNotNull(lastEval);
        // the corpus's unigram entropy is 3.02 nats per byte; a model that uses context gets below it
        assertTrue(lastEval.path("val_loss").asDouble() < 2.8, "validation loss " + lastEval);
        byte[] png = Files.readAllBytes(out.resolve("loss.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        Path ckpt = out.resolve("checkpoints/step-000080");
        assertEquals("step-000080", Files.readString(out.resolve("checkpoints/latest")).trim());
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "training_state.safetensors"})
            assertTrue(Files.isRegularFile(ckpt.resolve(f)), f);

        Path logits = dir.resolve("logits.safetensors");
        StringWriter sw = new StringWriter();
        CommandLine cl = Omni.commandLine();
        cl.setOut(new PrintWriter(sw));
        assertEquals(0, cl.execute("logits", "-m", ckpt.toString(), "--ids", "73,110,32,116,104,101", "--save", logits.toString()));
        try (SafeTensors.Reader r = SafeTensors.open(logits)) {
            assertArrayEquals(new long[]{6, 264}, r.info("logits").shape());
        }
    }

    @Test
    void badInputGivesOneClearLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = Omni.commandLine();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("logits", "-m", dir.resolve("nowhere").toString(), "--ids", "1,2");
        assertEquals(1, rc);
        assertTrue(err.toString().contains("nowhere") && err.toString().contains("config.json"), err.toString());
    }
}
