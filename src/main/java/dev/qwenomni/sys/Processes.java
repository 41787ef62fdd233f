package dev.qwenomni.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running external tools with a clear error when they fail. */
public final class Processes {
    private Processes() {}

    public static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) if (Files.isExecutable(Path.of(dir, program))) return true;
        return false;
    }

    /** Runs the command with optional stdin, returns stdout; stderr goes to a log file in workDir. */
    public static String run(List<String> cmd, String stdin, Path workDir, long timeoutSeconds) throws IOException {
        Files.createDirectories(workDir);
        Path err = Files.createTempFile(workDir, "stderr", ".log");
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0)
                throw new IOException(cmd.get(0) + " exited with " + p.exitValue() + ": " + tail(Files.readString(err, StandardCharsets.UTF_8)));
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(cmd.get(0) + " interrupted", e);
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    private static String tail(String s) {
        s = s.strip();
        return s.length() > 400 ? "..." + s.substring(s.length() - 400) : s;
    }
}
