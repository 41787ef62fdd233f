package dev.qwenomni.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliReferenceTest {
    @Test
    void docsCliMdIsWhatTheCommandsPrint() throws Exception {
        String committed = Files.readString(Path.of("docs/cli.md")), now = CliReference.markdown();
        if (!now.equals(committed)) Files.writeString(Path.of("target/cli-reference.md"), now); // to diff against
        assertEquals(now, committed, "docs/cli.md is stale (target/cli-reference.md has it now): regenerate it with ./omni cli-reference > docs/cli.md");
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

    /** Omni.main flushes what a command printed before it exits: the whole page, not the first buffer of it. */
    @Test
    void mainPrintsTheWholePageBeforeExiting(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.qwenomni.cli.Omni", "cli-reference").redirectOutput(tmp.resolve("out.md").toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
        assertEquals(0, p.exitValue());
        assertEquals(CliReference.markdown(), Files.readString(tmp.resolve("out.md")));
    }
}
