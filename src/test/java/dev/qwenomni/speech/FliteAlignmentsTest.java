package dev.qwenomni.speech;

import dev.qwenomni.audio.Wav;
import dev.qwenomni.tts.TextFrontEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The teacher's phone timings land on our clip: same phones as the front-end, same length, ordered ends. Needs flite. */
class FliteAlignmentsTest {
    static final String BIRCH = "The birch canoe slid on the smooth planks.";

    @Test
    void alignmentMatchesTheClipAndTheFrontEnd(@TempDir Path dir) throws Exception {
        dev.qwenomni.Requires.that(new FliteTeacher().available(), "flite not installed");
        FliteAlignments.Alignment a = new FliteAlignments(dir, "rms").get(List.of(BIRCH)).get(BIRCH);
        // the bundled flite rms rendering of the same sentence, through the speech cache's processing
        float[] clip = SpeechCache.process(Wav.read(Path.of("src/test/resources/speech/birch_flite_rms_16k.wav")));
        assertEquals(clip.length, a.samples(), "the alignment is of this clip");
        String symbols = TextFrontEnd.FLITE_PHONES.symbols(BIRCH, dir);
        assertEquals(symbols, String.join(" ", a.phones().stream().map(FliteAlignments.Phone::name).toList()));
        assertTrue(symbols.startsWith("pau dh ax b er ch k ax n uw"), symbols);
        double last = 0;
        for (FliteAlignments.Phone p : a.phones()) {
            assertTrue(p.end() >= last && p.end() <= a.seconds(), "ends ordered and on the clip: " + a.phones());
            last = p.end();
        }
        // the leading pause was trimmed to the 100 ms margin (flite's own is ~176 ms), and the speech spans the clip
        assertTrue(a.phones().get(0).end() < 0.15, "first pause ends at " + a.phones().get(0).end());
        assertTrue(a.phones().get(a.phones().size() - 2).end() > a.seconds() - 0.3, "last phone ends near the clip's end");
        // cached: a second instance reads the file
        assertEquals(a, new FliteAlignments(dir, "rms").get(List.of(BIRCH)).get(BIRCH));
    }

    @Test
    void badPsdurOutputIsNamed() {
        var e = assertThrows(java.io.IOException.class, () -> FliteAlignments.parse("pau:0.1 dh"));
        assertTrue(e.getMessage().contains("'dh'"), e.getMessage());
    }
}
