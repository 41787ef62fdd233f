package dev.qwenomni.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A codec run folder keeps the spectral loss weights it started with. */
class CodecTrainCommandTest {
    @TempDir
    Path dir;

    /** A run folder's record of its objective, as the command keeps it. */
    private interface Weights {
        void keep(Path out) throws IOException;
    }

    private static Weights weights(float mel, float stft, float periodicity, float cepstral, String emphasis) {
        return weights(mel, stft, periodicity, cepstral, emphasis, null);
    }

    private static Weights weights(float mel, float stft, float periodicity, float cepstral, String emphasis, String extraMel) {
        return weights(mel, stft, periodicity, cepstral, 0, emphasis, extraMel);
    }

    private static Weights weights(float mel, float stft, float periodicity, float cepstral, float recogniser, String emphasis, String extraMel) {
        return weights(new CodecTrainCommand.ObjectiveWeights(mel, stft, periodicity, cepstral, recogniser, 0.25f), emphasis, extraMel);
    }

    private static Weights weights(CodecTrainCommand.ObjectiveWeights w, String emphasis, String extraMel) {
        return out -> CodecTrainCommand.keepLossWeights(out, out.resolve("checkpoints"), w,
                CodecTrainCommand.parseEmphasis(emphasis), CodecTrainCommand.parseMelScales(extraMel));
    }

    /**
     * A fresh folder records {@code first} as {@code recorded}, a resume with the same is accepted, and one with
     * {@code other} is refused with a message that names each of {@code named}.
     */
    private void assertRecordedAndKept(String folder, Weights first, String recorded, Weights other, String... named) throws IOException {
        Path out = dir.resolve(folder);
        first.keep(out);
        assertEquals(recorded, Files.readString(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)).strip());
        first.keep(out);
        var e = assertThrows(IllegalArgumentException.class, () -> other.keep(out));
        for (String n : named) assertTrue(e.getMessage().contains(n), e.getMessage());
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
        var defaults = CodecTrainCommand.ObjectiveWeights.DEFAULTS;
        assertEquals(0.25f, defaults.commitment());
        var firm = new CodecTrainCommand.ObjectiveWeights(15, 1, 0, 0, 5, 1);
        assertRecordedAndKept("firm", weights(firm, null, null), "mel 15.0 stft 1.0 recogniser 5.0 commitment 1.0",
                weights(15, 1, 0, 0, 5, null, null), "commitment 1.0", "--commitment-weight");
        // at the default it is not named, so folders recorded before the option resume as they were
        assertRecordedAndKept("usual", weights(defaults, null, null), "mel 15.0 stft 1.0", weights(firm, null, null),
                "mel 15.0 stft 1.0 recogniser 5.0 commitment 1.0");
    }

    @Test
    void anEmphasisIsParsedRecordedAndKeptOnResume() throws IOException {
        assertRecordedAndKept("formants", weights(15, 1, 0, 0, "1000:3000:3"), "mel 15.0 stft 1.0 emphasis 1000.0-3000.0 Hz x 3.0",
                weights(15, 1, 0, 0, null), "--emphasis");
        assertNull(CodecTrainCommand.parseEmphasis(null));
        for (String bad : new String[]{"1000:3000", "1k:3k:2", "3000:1000:2"}) {
            var b = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.parseEmphasis(bad));
            assertTrue(b.getMessage().contains(bad.equals("3000:1000:2") ? "3000.0-1000.0" : "'" + bad + "'"), b.getMessage());
        }
    }

    @Test
    void extraMelScalesAreParsedRecordedAndKeptOnResume() throws IOException {
        assertRecordedAndKept("onsets", weights(15, 1, 0, 0, null, "short"), "mel 15.0 stft 1.0 extra mel 32:5,64:10,128:20",
                weights(15, 1, 0, 0, null, "32:5"), "extra mel 32:5,64:10,128:20", "extra mel 32:5", "--extra-mel");
        assertEquals(0, CodecTrainCommand.parseMelScales(null).length);
        assertEquals(2, CodecTrainCommand.parseMelScales("32:5, 64:10").length);
        for (String bad : new String[]{"32", "32:5,64", "a:b"}) {
            var b = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.parseMelScales(bad));
            assertTrue(b.getMessage().contains("'" + bad + "'"), b.getMessage());
        }
    }

    @Test
    void aFolderWithCheckpointsButNoRecordWasTrainedAtTheDefaults() throws IOException {
        Path out = dir.resolve("old"), root = out.resolve("checkpoints");
        Files.createDirectories(root.resolve("step-000100"));
        Files.writeString(root.resolve("latest"), "step-000100");
        var e = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.keepLossWeights(out, root,
                new CodecTrainCommand.ObjectiveWeights(15, 4, 0, 0, 0, 0.25f), null, new dev.qwenomni.audio.SpectralLoss.Scale[0]));
        assertTrue(e.getMessage().contains("mel 15.0 stft 1.0"), e.getMessage());
        assertFalse(Files.exists(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)), "a refused resume records nothing");
        CodecTrainCommand.keepLossWeights(out, root, CodecTrainCommand.ObjectiveWeights.DEFAULTS, null,
                new dev.qwenomni.audio.SpectralLoss.Scale[0]);
        assertEquals("mel 15.0 stft 1.0", Files.readString(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)).strip());
    }
}
