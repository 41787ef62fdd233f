package dev.qwenomni.tts;

import dev.qwenomni.codec.CodecCheckpoint;
import dev.qwenomni.codec.SnacCodec;
import dev.qwenomni.codec.SnacConfig;
import dev.qwenomni.tensor.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which codecs a TTS model speaks through: the one it was trained on, one whose decoder trained on, and, when tts.json
 * records the codebooks' hash, one whose encoder trained on (the codes still stand for the same vectors); never one
 * whose codebooks or out_proj moved.
 */
class TtsConfigTest {
    @TempDir Path tmp;

    static SnacCodec tinyCodec() {
        SnacCodec c = new SnacCodec(new SnacConfig(24000, 4, new int[]{2, 2}, 16, new int[]{2, 2}, null, 16, 4, new int[]{4, 2, 1}, true, true));
        c.initialize(5);
        return c;
    }

    static TtsConfig trainedOn(SnacCodec c, boolean withCodebooks) {
        return new TtsConfig(TextFrontEnd.GRAPHEMES, 16, CodecCheckpoint.codesSha256(c), "v", 0.1, 10,
                withCodebooks ? CodecCheckpoint.codebooksSha256(c) : null);
    }

    static SnacCodec nudged(SnacCodec c, String param) {
        SnacCodec d = new SnacCodec(c.config);
        d.copyWeights(c, name -> true);
        var p = d.params.get(param);
        Kernels.set(p.v, 0, Kernels.get(p.v, 0) + 0.5f);
        return d;
    }

    @Test
    void theCodebooksHashDecidesWhenTheEncoderMoved() {
        SnacCodec c = tinyCodec();
        TtsConfig both = trainedOn(c, true), codesOnly = trainedOn(c, false);
        assertTrue(both.speaksThrough(c) && codesOnly.speaksThrough(c));

        SnacCodec decoder = nudged(c, "decoder.model.0.parametrizations.weight.original1");
        assertTrue(both.speaksThrough(decoder) && codesOnly.speaksThrough(decoder), "a decoder that trained on");

        for (String encoderSide : new String[]{"encoder.block.0.parametrizations.weight.original1",
                "quantizer.quantizers.1.in_proj.parametrizations.weight.original1"}) {
            SnacCodec e = nudged(c, encoderSide);
            assertEquals(CodecCheckpoint.codebooksSha256(c), CodecCheckpoint.codebooksSha256(e), encoderSide);
            assertTrue(both.speaksThrough(e), encoderSide + ": same codebooks");
            assertFalse(codesOnly.speaksThrough(e), encoderSide + ": without the codebooks' hash, other codes are refused");
        }
        for (String meaning : new String[]{"quantizer.quantizers.2.codebook.weight", "quantizer.quantizers.0.out_proj.bias"}) {
            SnacCodec m = nudged(c, meaning);
            assertFalse(both.speaksThrough(m), meaning);
            assertFalse(codesOnly.speaksThrough(m), meaning);
        }
    }

    @Test
    void ttsJsonKeepsTheCodebooksHashAndReadsOldFilesWithout() throws Exception {
        SnacCodec c = tinyCodec();
        trainedOn(c, true).write(tmp);
        assertEquals(CodecCheckpoint.codebooksSha256(c), TtsConfig.read(tmp).codebooksSha256());
        Path old = tmp.resolve("old");
        Files.createDirectories(old);
        trainedOn(c, false).write(old);
        assertFalse(Files.readString(old.resolve(TtsConfig.FILE)).contains("codebooks"));
        assertNull(TtsConfig.read(old).codebooksSha256());
    }

    @Test
    void aModelSpeaksOnlyItsVoicesAndOldFilesListTheirDefaultAlone() throws Exception {
        TtsConfig two = new TtsConfig(TextFrontEnd.GRAPHEMES, 16, "0".repeat(64), "rhvoice:bdl", 0.1, 10, null, List.of("rhvoice:slt", "rhvoice:bdl"));
        two.write(tmp);
        TtsConfig back = TtsConfig.read(tmp);
        assertEquals(List.of("rhvoice:slt", "rhvoice:bdl"), back.voices());
        assertEquals("rhvoice:bdl", back.voice(null));
        assertEquals("rhvoice:slt", back.voice("rhvoice:slt"));
        var e = assertThrows(IllegalArgumentException.class, () -> back.voice("flite:rms"));
        assertEquals("unknown voice 'flite:rms': this model speaks rhvoice:slt, rhvoice:bdl", e.getMessage());
        var notAmong = assertThrows(IllegalArgumentException.class,
                () -> new TtsConfig(TextFrontEnd.GRAPHEMES, 16, "0".repeat(64), "flite:rms", 0.1, 10, null, List.of("rhvoice:bdl")));
        assertEquals("default voice flite:rms is not among the voices [rhvoice:bdl]", notAmong.getMessage());
        // the committed checkpoint's tts.json predates the list: its default voice is its only one
        TtsConfig committed = TtsConfig.read(Path.of("checkpoints/tts"));
        assertEquals(List.of("flite:rms"), committed.voices());
        assertThrows(IllegalArgumentException.class, () -> committed.voice("flite:awb"));
    }
}
