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

    @Test
    void aRunFolderRecordsItsSpectralWeightsAndRefusesOthersOnResume() throws IOException {
        Path out = dir.resolve("run");
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 8, 0, 0);
        assertEquals("mel 15.0 stft 8.0", Files.readString(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)).strip());
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 8, 0, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 0));
        assertTrue(e.getMessage().contains("mel 15.0 stft 8.0") && e.getMessage().contains("mel 15.0 stft 1.0"), e.getMessage());
    }

    @Test
    void thePeriodicityWeightIsRecordedWhenUsedAndKeptOnResume() throws IOException {
        Path out = dir.resolve("voiced");
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 2, 0);
        assertEquals("mel 15.0 stft 1.0 periodicity 2.0", Files.readString(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)).strip());
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 2, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 0));
        assertTrue(e.getMessage().contains("periodicity 2.0") && e.getMessage().contains("--periodicity-weight"), e.getMessage());
    }

    @Test
    void theCepstralWeightIsRecordedWhenUsedAndKeptOnResume() throws IOException {
        Path out = dir.resolve("envelope");
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 4);
        assertEquals("mel 15.0 stft 1.0 cepstral 4.0", Files.readString(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)).strip());
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 2));
        assertTrue(e.getMessage().contains("cepstral 4.0") && e.getMessage().contains("cepstral 2.0") && e.getMessage().contains("--cepstral-weight"),
                e.getMessage());
    }

    @Test
    void anEmphasisIsParsedRecordedAndKeptOnResume() throws IOException {
        Path out = dir.resolve("formants");
        var emphasis = CodecTrainCommand.parseEmphasis("1000:3000:3");
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 0, emphasis);
        assertEquals("mel 15.0 stft 1.0 emphasis 1000.0-3000.0 Hz x 3.0", Files.readString(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)).strip());
        CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 0, CodecTrainCommand.parseEmphasis("1000:3000:3"));
        var e = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.keepSpectralWeights(out, out.resolve("checkpoints"), 15, 1, 0, 0));
        assertTrue(e.getMessage().contains("--emphasis"), e.getMessage());
        assertNull(CodecTrainCommand.parseEmphasis(null));
        for (String bad : new String[]{"1000:3000", "1k:3k:2", "3000:1000:2"}) {
            var b = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.parseEmphasis(bad));
            assertTrue(b.getMessage().contains(bad.equals("3000:1000:2") ? "3000.0-1000.0" : "'" + bad + "'"), b.getMessage());
        }
    }

    @Test
    void aFolderWithCheckpointsButNoRecordWasTrainedAtTheDefaults() throws IOException {
        Path out = dir.resolve("old"), root = out.resolve("checkpoints");
        Files.createDirectories(root.resolve("step-000100"));
        Files.writeString(root.resolve("latest"), "step-000100");
        var e = assertThrows(IllegalArgumentException.class, () -> CodecTrainCommand.keepSpectralWeights(out, root, 15, 4, 0, 0));
        assertTrue(e.getMessage().contains("mel 15.0 stft 1.0"), e.getMessage());
        assertFalse(Files.exists(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)), "a refused resume records nothing");
        CodecTrainCommand.keepSpectralWeights(out, root, 15, 1, 0, 0);
        assertEquals("mel 15.0 stft 1.0", Files.readString(out.resolve(CodecTrainCommand.LOSS_WEIGHTS)).strip());
    }
}
