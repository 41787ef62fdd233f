package dev.qwenomni.train;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Metrics as JSON lines, one object per event, flushed as written. */
public final class MetricsLog implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    public MetricsLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public void write(Map<String, Object> event) throws IOException {
        out.write(JSON.writeValueAsString(event));
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException { out.close(); }
}
