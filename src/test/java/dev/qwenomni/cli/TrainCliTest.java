package dev.qwenomni.cli;

import dev.qwenomni.codec.NoiseSource;
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
        assertTrue(sw.toString().contains("pos 5 id 101:") && sw.toString().contains("saved " + logits), "logits prints the top logits: " + sw);
        try (SafeTensors.Reader r = SafeTensors.open(logits)) {
            assertArrayEquals(new long[]{6, 264}, r.info("logits").shape());
        }
    }

    @Test
    void codecEncodeDecodeEvalAndSiSdr() throws Exception {
        Path codecDir = dir.resolve("codec");
        try (var r = SafeTensors.open(Path.of("src/test/resources/fixtures/tiny24.safetensors"))) {
            var codec = new dev.qwenomni.codec.SnacCodec(dev.qwenomni.codec.SnacConfig.read(Path.of("src/test/resources/fixtures/tiny24.config.json")));
            dev.qwenomni.codec.CodecCheckpoint.loadWeights(codec, r, "weights/");
            dev.qwenomni.codec.CodecCheckpoint.save(codec, codecDir);
        }
        Path wav = Path.of("src/test/resources/speech/birch_flite_rms_16k.wav"), codes = dir.resolve("codes.json");
        StringWriter out = new StringWriter();
        CommandLine cl = Omni.commandLine();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("codec", "encode", "-c", codecDir.toString(), wav.toString(), codes.toString()));
        assertTrue(out.toString().contains("-> codes [35, 70, 140]"), "encode names the code counts: " + out);
        JsonNode levels = new ObjectMapper().readTree(codes.toFile()).path("codes");
        assertEquals(3, levels.size());
        // 2.92 s at 16 kHz -> 70080 samples at 24 kHz -> padded to 71680 -> 140 frames -> 35/70/140 codes
        assertEquals(35, levels.get(0).size());
        assertEquals(140, levels.get(2).size());
        Path a = dir.resolve("a.wav"), b = dir.resolve("b.wav");
        assertEquals(0, Omni.commandLine().execute("codec", "decode", "-c", codecDir.toString(), codes.toString(), a.toString()));
        assertEquals(0, Omni.commandLine().execute("codec", "decode", "-c", codecDir.toString(), "--stream", codes.toString(), b.toString()));
        // decode's default direct conv kernel: the streamed file is the one-shot file, byte for byte
        assertArrayEquals(java.nio.file.Files.readAllBytes(a), java.nio.file.Files.readAllBytes(b), "streamed decode writes the same bytes");
        assertEquals(140 * 512, dev.qwenomni.audio.Wav.read(a).samples().length);
        StringWriter printed = new StringWriter();
        CommandLine eval = Omni.commandLine();
        eval.setOut(new PrintWriter(printed));
        assertEquals(0, eval.execute("codec", "eval", "-c", codecDir.toString(), "src/test/resources/speech"));
        String report = printed.toString();
        java.util.regex.Matcher mcd = java.util.regex.Pattern.compile("MCD (\\d+\\.\\d+) dB").matcher(report);
        assertTrue(mcd.find() && Double.parseDouble(mcd.group(1)) > 0, report);
        // a manifest's test clips, filtered by speaker; an unknown speaker is named in the error
        java.nio.file.Files.copy(wav, dir.resolve("birch.wav"));
        Path manifest = dir.resolve("manifest.jsonl");
        dev.qwenomni.speech.ManifestEntry.write(manifest, java.util.List.of(new dev.qwenomni.speech.ManifestEntry(
                "b", "The birch canoe slid on the smooth planks.", "flite:rms", 2.92, "test", "birch.wav")));
        assertEquals(0, Omni.commandLine().execute("codec", "eval", "-c", codecDir.toString(), "--manifest", manifest.toString(), "--speaker", "flite:rms"));
        StringWriter err = new StringWriter();
        CommandLine bad = Omni.commandLine();
        bad.setErr(new PrintWriter(err));
        assertEquals(1, bad.execute("codec", "eval", "-c", codecDir.toString(), "--manifest", manifest.toString(), "--speaker", "flite:kal"));
        assertTrue(err.toString().contains("speaker 'flite:kal'"), err.toString());
        assertEquals(1, bad.execute("codec", "eval", "-c", codecDir.toString(), "--manifest", manifest.toString(), "--band-split", "1000"));
        assertTrue(err.toString().contains("--band-split needs --wer"), err.toString());
        assertEquals(1, bad.execute("codec", "eval", "-c", codecDir.toString(), "--manifest", manifest.toString(), "--against", codecDir.toString()));
        assertTrue(err.toString().contains("--against needs --wer"), err.toString());
        // SI-SDR: a signal against itself is very high, against its negation very low
        float[] x = dev.qwenomni.audio.Wav.read(wav).samples(), noisy = x.clone();
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < noisy.length; i++) noisy[i] += 0.01f * (float) rnd.nextGaussian();
        assertTrue(dev.qwenomni.codec.CodecEvaluation.siSdr(x, x) > 100);
        double s = dev.qwenomni.codec.CodecEvaluation.siSdr(x, noisy);
        assertTrue(s > 5 && s < 60, "SI-SDR with noise " + s);
    }

    @Test
    void codecGrowKeepsTheOldCodesAndRefusesToShrink() throws Exception {
        Path codecDir = dir.resolve("codec"), grown = dir.resolve("grown");
        dev.qwenomni.codec.SnacCodec codec;
        try (var r = SafeTensors.open(Path.of("src/test/resources/fixtures/tiny24.safetensors"))) {
            codec = new dev.qwenomni.codec.SnacCodec(dev.qwenomni.codec.SnacConfig.read(Path.of("src/test/resources/fixtures/tiny24.config.json")));
            dev.qwenomni.codec.CodecCheckpoint.loadWeights(codec, r, "weights/");
            dev.qwenomni.codec.CodecCheckpoint.save(codec, codecDir);
        }
        // the three bundled clips at 24 kHz as training clips: about 105 coarse frames for 64 new codes
        java.util.List<dev.qwenomni.speech.ManifestEntry> entries = new java.util.ArrayList<>();
        for (String f : new String[]{"birch_flite_rms_16k.wav", "glue_flite_awb_16k.wav", "birch_festival_slt_16k.wav"}) {
            var a = dev.qwenomni.audio.Wav.read(Path.of("src/test/resources/speech", f));
            dev.qwenomni.audio.Wav.write(dir.resolve(f), dev.qwenomni.audio.Resampler.resample(a.samples(), a.sampleRate(), 24000), 24000);
            entries.add(new dev.qwenomni.speech.ManifestEntry(f, "text", "teacher", a.seconds(), "train", f));
        }
        Path manifest = dir.resolve("manifest.jsonl");
        dev.qwenomni.speech.ManifestEntry.write(manifest, entries);
        assertEquals(0, Omni.commandLine().execute("codec", "grow", "-c", codecDir.toString(), "--codebook-size", "128",
                "--manifest", manifest.toString(), "--out", grown.toString()));
        var big = dev.qwenomni.codec.CodecCheckpoint.load(grown);
        assertEquals(128, big.config.codebookSize());
        float[] x = dev.qwenomni.audio.Wav.read(dir.resolve("birch_flite_rms_16k.wav")).samples();
        int[][] codes = codec.encode(x);
        assertArrayEquals(codec.decode(codes, dev.qwenomni.codec.NoiseSource.OFF), big.decode(codes, dev.qwenomni.codec.NoiseSource.OFF), "old codes decode as before");

        StringWriter err = new StringWriter();
        CommandLine bad = Omni.commandLine();
        bad.setErr(new PrintWriter(err));
        assertEquals(1, bad.execute("codec", "grow", "-c", grown.toString(), "--codebook-size", "64", "--manifest", manifest.toString(),
                "--out", dir.resolve("small").toString()));
        assertTrue(err.toString().contains("growing only"), err.toString());
        assertFalse(java.nio.file.Files.exists(dir.resolve("small")), "a refused grow writes nothing");
    }

    @Test
    void codecEvalLimitSpreadsOverTheList() {
        // 207 test clips listed voice after voice (52, 52, 52, 51): 40 must reach every voice
        java.util.List<Integer> all = java.util.stream.IntStream.range(0, 207).boxed().toList();
        java.util.List<Integer> some = dev.qwenomni.codec.CodecEvaluation.spread(all, 40);
        assertEquals(40, some.size());
        assertEquals(0, some.get(0));
        for (int voice = 0; voice < 4; voice++) {
            int lo = 52 * voice, hi = Math.min(207, lo + 52);
            assertTrue(some.stream().anyMatch(i -> i >= lo && i < hi), "no clip of voice " + voice + " in " + some);
        }
        assertEquals(some.stream().distinct().count(), 40, "clips repeat: " + some);
        assertEquals(all, dev.qwenomni.codec.CodecEvaluation.spread(all, 500));
    }

    @Test
    void codecEvalGroupsClipsByVoiceInOrderOfFirstAppearance() {
        var g = dev.qwenomni.codec.CodecEvaluation.byVoice(java.util.List.of("flite:rms", "flite:awb", "flite:rms", "festival:slt_hts", "flite:awb"));
        assertEquals(java.util.List.of("flite:rms", "flite:awb", "festival:slt_hts"), java.util.List.copyOf(g.keySet()));
        assertEquals(java.util.List.of(0, 2), g.get("flite:rms"));
        assertEquals(java.util.List.of(1, 4), g.get("flite:awb"));
        assertEquals(java.util.List.of(3), g.get("festival:slt_hts"));
        assertEquals(java.util.List.of("b", "d"), dev.qwenomni.codec.CodecEvaluation.pick(java.util.List.of("a", "b", "c", "d"), g.get("flite:rms").stream().map(i -> i + 1).toList()));
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

    @Test
    void speakRefusesCandidatesItCannotChooseAmong() {
        StringWriter err = new StringWriter();
        CommandLine cl = Omni.commandLine();
        cl.setErr(new PrintWriter(err));
        String out = dir.resolve("never.wav").toString();
        assertEquals(1, cl.execute("speak", "Hello.", "--stream", "--candidates", "2", "-o", out));
        assertTrue(err.toString().contains("--stream") && err.toString().contains("--candidates 2"), err.toString());
        assertEquals(1, cl.execute("speak", "Hello.", "--candidates", "0", "-o", out));
        assertTrue(err.toString().contains("--candidates must be at least 1, not 0"), err.toString());
        // an unknown judge is a usage error (exit 2), named by picocli with the choices
        assertEquals(2, cl.execute("speak", "Hello.", "--candidates", "3", "--judge", "ears", "-o", out));
        assertTrue(err.toString().contains("--judge") && err.toString().contains("'ears'") && err.toString().contains("LIKELIHOOD, RECOGNISER"),
                err.toString());
        assertFalse(java.nio.file.Files.exists(dir.resolve("never.wav")));
    }

    /** data import turns an LJSpeech-style folder into a manifest whose clips resolve; a bad line is named. */
    @Test
    void dataImportWritesAManifestOfAnLjSpeechFolder() throws Exception {
        Path ds = dir.resolve("myvoice");
        java.nio.file.Files.createDirectories(ds.resolve("wavs"));
        java.nio.file.Files.copy(Path.of("src/test/resources/speech/birch_flite_rms_16k.wav"), ds.resolve("wavs/b1.wav"));
        java.nio.file.Files.writeString(ds.resolve("metadata.csv"), "b1|The birch canoe slid on the smooth planks.\n");
        StringWriter out = new StringWriter();
        CommandLine cl = Omni.commandLine();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("data", "import", ds.toString()));
        var entries = dev.qwenomni.speech.ManifestEntry.read(ds.resolve("manifest.jsonl"));
        assertEquals(1, entries.size());
        assertTrue(java.nio.file.Files.isRegularFile(entries.get(0).resolve(ds.resolve("manifest.jsonl"))));
        assertTrue(out.toString().contains("1 clips") && out.toString().contains("speaker myvoice"), out.toString());
        java.nio.file.Files.writeString(ds.resolve("metadata.csv"), "b1|fine\nno separator\n");
        StringWriter err = new StringWriter();
        CommandLine bad = Omni.commandLine();
        bad.setErr(new PrintWriter(err));
        assertEquals(1, bad.execute("data", "import", ds.toString()));
        assertTrue(err.toString().contains("line 2"), err.toString());
    }
}
