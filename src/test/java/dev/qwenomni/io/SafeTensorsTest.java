package dev.qwenomni.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsValuesShapesAndMetadata() throws IOException {
        float[] a = {1f, -2.5f, 3e-8f, Float.MAX_VALUE, 0f, 7f};
        float[] b = {42f};
        Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
        t.put("a.weight", new SafeTensors.Entry(new long[]{2, 3}, MemorySegment.ofArray(a)));
        t.put("b", new SafeTensors.Entry(new long[]{1}, MemorySegment.ofArray(b)));
        Path f = dir.resolve("x.safetensors");
        SafeTensors.writeF32(f, t, Map.of("format", "pt"));
        byte[] raw = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data section starts 8-byte aligned");
        assertEquals(8 + n + 4 * 7, raw.length);
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertArrayEquals(a, r.floats("a.weight"));
            assertArrayEquals(b, r.floats("b"));
            assertArrayEquals(new long[]{2, 3}, r.info("a.weight").shape());
            assertEquals("pt", r.metadata().get("format"));
        }
    }

    @Test
    void halfPrecisionWritesRoundToNearestEvenAndReadBack() throws IOException {
        float ulp = 1f / 128;                       // bf16 keeps 7 fraction bits: the spacing just above 1
        float[] a = {1f + ulp / 2, 1f + 3 * ulp / 2, -2.5f, 1f + ulp / 4, Float.NaN, 0f};
        Path bf = dir.resolve("bf.safetensors"), h = dir.resolve("h.safetensors");
        SafeTensors.write(bf, Map.of("w", new SafeTensors.Entry(new long[]{6}, MemorySegment.ofArray(a))), null, SafeTensors.DType.BF16);
        SafeTensors.write(h, Map.of("w", new SafeTensors.Entry(new long[]{2, 3}, MemorySegment.ofArray(a))), null, SafeTensors.DType.F16);
        try (SafeTensors.Reader r = SafeTensors.open(bf)) {
            assertEquals(SafeTensors.DType.BF16, r.info("w").dtype());
            float[] b = r.floats("w");
            assertEquals(1f, b[0], "a tie rounds to the even neighbour, down");
            assertEquals(1f + 2 * ulp, b[1], "a tie rounds to the even neighbour, up");
            assertEquals(-2.5f, b[2]);
            assertEquals(1f, b[3], "below half a step rounds down");
            assertTrue(Float.isNaN(b[4]), "NaN stays NaN");
        }
        assertEquals(6 * 2, Files.size(bf) - 8 - headerLength(bf));
        try (SafeTensors.Reader r = SafeTensors.open(h)) {
            float[] b = r.floats("w");
            assertEquals(1f + ulp / 2, b[0], "f16 keeps 10 fraction bits");
            assertEquals(1f + ulp / 4, b[3]);
            assertArrayEquals(new long[]{2, 3}, r.info("w").shape());
        }
    }

    @Test
    void f16RefusesValuesBeyondItsRangeNamingTheTensor() {
        float[] a = {1f, 70000f};
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("o.safetensors"),
                Map.of("big.weight", new SafeTensors.Entry(new long[]{2}, MemorySegment.ofArray(a))), null, SafeTensors.DType.F16));
        assertTrue(e.getMessage().contains("big.weight") && e.getMessage().contains("70000") && e.getMessage().contains("index 1"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("o.safetensors")), "nothing written");
    }

    private static long headerLength(Path f) throws IOException {
        byte[] raw = Files.readAllBytes(f);
        return ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Writes a file with a hand-made header and data section. */
    private Path raw(String header, int dataBytes, ByteBuffer data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        if (data != null) buf.put(data.flip());
        Path f = dir.resolve("h" + header.hashCode() + ".safetensors");
        Files.write(f, buf.array());
        return f;
    }

    @Test
    void readsBf16F16AndF64AsFloat() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(2 + 2 + 8).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort((short) (Float.floatToIntBits(1.5f) >>> 16));   // bf16 1.5
        d.putShort(Float.floatToFloat16(-0.25f));                   // f16 -0.25
        d.putDouble(3.25);                                          // f64
        Path f = raw("{\"x\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]},"
                + "\"y\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[2,4]},"
                + "\"z\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[4,12]}}", 12, d);
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertEquals(1.5f, r.floats("x")[0]);
            assertEquals(-0.25f, r.floats("y")[0]);
            assertEquals(3.25f, r.floats("z")[0]);
        }
    }

    private void assertRejected(String header, int dataBytes, String... fragments) throws IOException {
        Path f = raw(header, dataBytes, null);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains(f.toString()), "error names the file: " + e.getMessage());
        for (String frag : fragments) assertTrue(e.getMessage().contains(frag), "'" + frag + "' in: " + e.getMessage());
    }

    @Test
    void corruptFilesGiveErrorsNamingFileAndTensor() throws IOException {
        assertRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "w", "expected 8");
        assertRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "w", "outside");
        assertRejected("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "w", "dtype");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "b", "hole");
        assertRejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlap");
        assertRejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12, "length mismatch");
        assertRejected("[1,2]", 0, "header");
        assertRejected("{\"w\": nope}", 0, "JSON");
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[]{1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains("shorter"));
        Files.write(f, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        e = assertThrows(IOException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains("header length 1000"));
    }
}
