package dev.qwenomni.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qwenomni.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A codec run folder's run.json: the objective, the discriminator and what is frozen are kept across resumes. */
class CodecRunRecordTest {
    @TempDir
    Path dir;

    static final TrainConfig TRAIN = CodecTraining.DEFAULT_TRAIN;

    private static CodecObjective weights(float mel, float stft, float periodicity, float cepstral, float recogniser, String emphasis, String extraMel) {
        return new CodecObjective(mel, stft, periodicity, cepstral, recogniser, 0.25f, CodecObjective.parseEmphasis(emphasis),
                CodecObjective.parseMelScales(extraMel));
    }

    private static CodecObjective weights(float mel, float stft, float periodicity, float cepstral, String emphasis) {
        return weights(mel, stft, periodicity, cepstral, 0, emphasis, null);
    }

    private static CodecRunRecord keep(Path out, CodecObjective o) throws IOException {
        return CodecRunRecord.keep(out, out.resolve("checkpoints"), o, false, null, TRAIN);
    }

    private static String recordedObjective(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve(CodecRunRecord.FILE).toFile()).get("objective").asText();
    }

    /** A run folder with one checkpoint at the given step. */
    private Path withCheckpoint(String name, int step) throws IOException {
        Path out = dir.resolve(name), root = out.resolve("checkpoints");
        String ckpt = String.format("step-%06d", step);
        Files.createDirectories(root.resolve(ckpt));
        Files.writeString(root.resolve("latest"), ckpt);
        return out;
    }

    /**
     * A fresh folder records {@code first} as {@code recorded}, a resume with the same is accepted, and one with
     * {@code other} is refused with a message that names each of {@code named}, recording nothing.
     */
    private void assertRecordedAndKept(String folder, CodecObjective first, String recorded, CodecObjective other, String... named) throws IOException {
        Path out = dir.resolve(folder);
        keep(out, first);
        assertEquals(recorded, recordedObjective(out));
        byte[] before = Files.readAllBytes(out.resolve(CodecRunRecord.FILE));
        keep(out, first);
        var e = assertThrows(IllegalArgumentException.class, () -> keep(out, other));
        for (String n : named) assertTrue(e.getMessage().contains(n), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(out.resolve(CodecRunRecord.FILE)), "a refused resume leaves run.json as it was");
    }

    @Test
    void aRunFolderRecordsItsSpectralWeightsAndRefusesOthersOnResume() throws IOException {
        assertRecordedAndKept("run", weights(15, 8, 0, 0, null), "mel 15.0 stft 8.0", weights(15, 1, 0, 0, null),
                "mel 15.0 stft 8.0", "mel 15.0 stft 1.0");
    }

    @Test
    void thePeriodicityWeightIsRecordedWhenUsedAndKeptOnResume() throws IOException {
        assertRecordedAndKept("voiced", weights(15, 1, 2, 0, null), "mel 15.0 stft 1.0 periodicity 2.0", weights(15, 1, 0, 0, null),
                "periodicity 2.0", "--periodicity-weight");
    }

    @Test
    void theCepstralWeightIsRecordedWhenUsedAndKeptOnResume() throws IOException {
        assertRecordedAndKept("envelope", weights(15, 1, 0, 4, null), "mel 15.0 stft 1.0 cepstral 4.0", weights(15, 1, 0, 2, null),
                "cepstral 4.0", "cepstral 2.0", "--cepstral-weight");
    }

    @Test
    void theRecogniserWeightIsRecordedWhenUsedAndKeptOnResume() throws IOException {
        assertRecordedAndKept("recogniser", weights(15, 1, 0, 0, 2, null, null), "mel 15.0 stft 1.0 recogniser 2.0",
                weights(15, 1, 0, 0, 0, null, null), "recogniser 2.0", "--recogniser-weight");
    }

    @Test
    void aCommitmentWeightOtherThanTheDefaultIsRecordedAndKeptOnResume() throws IOException {
        CodecObjective defaults = CodecObjective.DEFAULT;
        assertEquals(0.25f, defaults.commitment());
        var firm = new CodecObjective(15, 1, 0, 0, 5, 1, null, null);
        assertRecordedAndKept("firm", firm, "mel 15.0 stft 1.0 recogniser 5.0 commitment 1.0",
                weights(15, 1, 0, 0, 5, null, null), "commitment 1.0", "--commitment-weight");
        // at the default it is not named, so folders recorded before the option resume as they were
        assertRecordedAndKept("usual", defaults, "mel 15.0 stft 1.0", firm, "mel 15.0 stft 1.0 recogniser 5.0 commitment 1.0");
    }

    @Test
    void anEmphasisIsParsedRecordedAndKeptOnResume() throws IOException {
        assertRecordedAndKept("formants", weights(15, 1, 0, 0, "1000:3000:3"), "mel 15.0 stft 1.0 emphasis 1000.0-3000.0 Hz x 3.0",
                weights(15, 1, 0, 0, null), "--emphasis");
        assertNull(CodecObjective.parseEmphasis(null));
        for (String bad : new String[]{"1000:3000", "1k:3k:2", "3000:1000:2"}) {
            var b = assertThrows(IllegalArgumentException.class, () -> CodecObjective.parseEmphasis(bad));
            assertTrue(b.getMessage().contains(bad.equals("3000:1000:2") ? "3000.0-1000.0" : "'" + bad + "'"), b.getMessage());
        }
    }

    @Test
    void extraMelScalesAreParsedRecordedAndKeptOnResume() throws IOException {
        assertRecordedAndKept("onsets", weights(15, 1, 0, 0, 0, null, "short"), "mel 15.0 stft 1.0 extra mel 32:5,64:10,128:20",
                weights(15, 1, 0, 0, 0, null, "32:5"), "extra mel 32:5,64:10,128:20", "extra mel 32:5", "--extra-mel");
        assertEquals(0, CodecObjective.parseMelScales(null).length);
        assertEquals(2, CodecObjective.parseMelScales("32:5, 64:10").length);
        for (String bad : new String[]{"32", "32:5,64", "a:b"}) {
            var b = assertThrows(IllegalArgumentException.class, () -> CodecObjective.parseMelScales(bad));
            assertTrue(b.getMessage().contains("'" + bad + "'"), b.getMessage());
        }
    }

    @Test
    void aFolderWithCheckpointsButNoRecordWasTrainedAtTheDefaults() throws IOException {
        Path out = withCheckpoint("old", 100);
        var e = assertThrows(IllegalArgumentException.class, () -> keep(out, weights(15, 4, 0, 0, null)));
        assertTrue(e.getMessage().contains("mel 15.0 stft 1.0"), e.getMessage());
        assertFalse(Files.exists(out.resolve(CodecRunRecord.FILE)), "a refused resume records nothing");
        keep(out, CodecObjective.DEFAULT);
        assertEquals("mel 15.0 stft 1.0", recordedObjective(out));
    }

    @Test
    void codesFrozenLaterInARunAreRecordedFromThatStepAndCannotBeUnfrozen() throws IOException {
        Path out = withCheckpoint("phases", 1200);
        CodecRunRecord r = CodecRunRecord.keep(out, out.resolve("checkpoints"), CodecObjective.DEFAULT, false, CodecRunRecord.CODES, TRAIN);
        assertEquals(CodecRunRecord.CODES, r.frozen());
        assertEquals(1200, r.frozenFromStep());
        var e = assertThrows(IllegalArgumentException.class, () -> keep(out, CodecObjective.DEFAULT));
        assertTrue(e.getMessage().contains("--freeze-codes") && e.getMessage().contains("1200"), e.getMessage());
        var d = assertThrows(IllegalArgumentException.class,
                () -> CodecRunRecord.keep(out, out.resolve("checkpoints"), CodecObjective.DEFAULT, false, CodecRunRecord.DECODING, TRAIN));
        assertTrue(d.getMessage().contains("--freeze-codes"), d.getMessage());
        assertEquals(1200, CodecRunRecord.keep(out, out.resolve("checkpoints"), CodecObjective.DEFAULT, false, CodecRunRecord.CODES, TRAIN)
                .frozenFromStep(), "a resume keeps the step the freeze began");
    }

    @Test
    void aDiscriminatorIsThereFromTheFirstStepOrNotAtAll() throws IOException {
        Path fresh = dir.resolve("gan");
        assertTrue(CodecRunRecord.keep(fresh, fresh.resolve("checkpoints"), CodecObjective.DEFAULT, true, null, TRAIN).gan());
        var e = assertThrows(IllegalArgumentException.class, () -> keep(fresh, CodecObjective.DEFAULT));
        assertTrue(e.getMessage().contains("--gan"), e.getMessage());
        Path plain = withCheckpoint("plain", 300);
        keep(plain, CodecObjective.DEFAULT);
        var g = assertThrows(IllegalArgumentException.class,
                () -> CodecRunRecord.keep(plain, plain.resolve("checkpoints"), CodecObjective.DEFAULT, true, null, TRAIN));
        assertTrue(g.getMessage().contains("without a discriminator"), g.getMessage());
    }

    @Test
    void aFolderFromBeforeRunJsonIsReadFromItsMarkerFiles() throws IOException {
        Path out = withCheckpoint("legacy", 500);
        Files.writeString(out.resolve("LOSS_WEIGHTS"), "mel 15.0 stft 1.0 periodicity 5.0\n");
        Files.writeString(out.resolve("FROZEN_CODES"), "250\n");
        var e = assertThrows(IllegalArgumentException.class, () -> keep(out, weights(15, 1, 5, 0, null)));
        assertTrue(e.getMessage().contains("since step 250"), e.getMessage());
        CodecRunRecord r = CodecRunRecord.keep(out, out.resolve("checkpoints"), weights(15, 1, 5, 0, null), false, CodecRunRecord.CODES, TRAIN);
        assertEquals(250, r.frozenFromStep());
        assertEquals("mel 15.0 stft 1.0 periodicity 5.0", recordedObjective(out));
    }

    @Test
    void runJsonKeepsTheTrainingConfigTheRunStartedWith() throws IOException {
        Path out = dir.resolve("cfg");
        keep(out, CodecObjective.DEFAULT);
        CodecRunRecord r = CodecRunRecord.keep(out, out.resolve("checkpoints"), CodecObjective.DEFAULT, false, null, TRAIN.with(c -> c.steps = 9000));
        assertEquals(TRAIN, r.started(), "a resume with more steps keeps the first start's config on record");
        assertEquals(TRAIN, new ObjectMapper().readValue(out.resolve(CodecRunRecord.FILE).toFile(), CodecRunRecord.class).started());
    }
}
