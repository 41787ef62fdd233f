package dev.qwenomni.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliReferenceTest {
    @Test
    void docsCliMdIsWhatTheCommandsPrint() throws Exception {
        String committed = Files.readString(Path.of("docs/cli.md"));
        assertEquals(CliReference.markdown(), committed, "docs/cli.md is stale: regenerate it with ./omni cli-reference > docs/cli.md");
    }

    /** A description picocli cannot format (a bare % in it) is printed raw with a warning on stderr: none may. */
    @Test
    void everyHelpTextFormatsWithoutAWarning() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            CliReference.markdown();
        } finally {
            System.setErr(was);
        }
        String warnings = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(!warnings.contains("picocli WARN"), warnings);
    }

    @Test
    void thePageCoversEveryVisibleCommand() {
        String page = CliReference.markdown();
        for (String c : new String[]{"## omni speak", "## omni tts train", "## omni tts eval", "## omni codec train", "## omni codec decode",
                "## omni data build", "## omni asr", "## omni convert"})
            assertTrue(page.contains(c + "\n"), "missing section " + c);
        assertTrue(!page.contains("## omni cli-reference"), "the hidden generator is not listed");
    }
}
