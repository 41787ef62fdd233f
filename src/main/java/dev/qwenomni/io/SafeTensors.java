package dev.qwenomni.io;

import dev.qwenomni.sys.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the packed little-endian data. The reader checks everything
 * the format promises (ranges inside the file, sizes matching dtype x shape, no holes or
 * overlaps, total length) and names the file and tensor in every error.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    public enum DType {
        F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4);
        public final int bytes;
        DType(int bytes) { this.bytes = bytes; }
    }

    /** One tensor's header entry; begin/end are relative to the data section. */
    public record Info(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            return SafeTensors.numel(shape);
        }
    }

    /** An open, validated file; the data section is memory-mapped. */
    public static final class Reader implements Closeable {
        private final Path file;
        private final Map<String, Info> infos = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Arena arena = Arena.ofShared();
        private final MemorySegment data;

        private Reader(Path file) throws IOException {
            this.file = file;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < 8) throw error("file is " + size + " bytes, shorter than the 8-byte header length");
                ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, lenBuf, 0);
                long n = lenBuf.flip().getLong();
                if (n <= 0 || n > MAX_HEADER || n > size - 8)
                    throw error("header length " + n + " is impossible for a file of " + size + " bytes");
                ByteBuffer hb = ByteBuffer.allocate((int) n);
                readFully(ch, hb, 8);
                String header = new String(hb.array(), StandardCharsets.UTF_8);
                if (!header.startsWith("{")) throw error("header does not start with '{'");
                JsonNode root;
                try {
                    root = JSON.readTree(header);
                } catch (IOException e) {
                    throw error("header is not valid JSON: " + e.getMessage());
                }
                long dataLen = size - 8 - n;
                parseHeader(root, dataLen);
                data = ch.map(FileChannel.MapMode.READ_ONLY, 8 + n, dataLen, arena);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
            while (b.hasRemaining()) {
                int r = ch.read(b, pos);
                if (r < 0) throw new IOException("unexpected end of file");
                pos += r;
            }
        }

        private IOException error(String msg) {
            return new IOException(file + ": " + msg);
        }

        private void parseHeader(JsonNode root, long dataLen) throws IOException {
            if (!root.isObject()) throw error("header is not a JSON object");
            List<Info> list = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode v = e.getValue();
                if (name.equals("__metadata__")) {
                    if (!v.isObject()) throw error("__metadata__ is not an object");
                    v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                DType dt;
                try {
                    dt = DType.valueOf(v.path("dtype").asText());
                } catch (IllegalArgumentException ex) {
                    throw error("tensor " + name + ": unsupported dtype '" + v.path("dtype").asText() + "'");
                }
                JsonNode sh = v.path("shape"), off = v.path("data_offsets");
                if (!sh.isArray()) throw error("tensor " + name + ": missing shape");
                if (!off.isArray() || off.size() != 2) throw error("tensor " + name + ": data_offsets must be [begin, end]");
                long[] shape = new long[sh.size()];
                long numel = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = sh.get(i).asLong(-1);
                    if (shape[i] < 0) throw error("tensor " + name + ": negative dimension in shape " + sh);
                    numel = Math.multiplyExact(numel, shape[i]);
                }
                long b = off.get(0).asLong(-1), en = off.get(1).asLong(-1);
                if (b < 0 || en < b || en > dataLen)
                    throw error("tensor " + name + ": data_offsets [" + b + ", " + en + "] outside the data section of " + dataLen + " bytes");
                if (en - b != numel * dt.bytes)
                    throw error("tensor " + name + ": " + (en - b) + " bytes for " + dt + " " + Arrays.toString(shape)
                            + " (expected " + numel * dt.bytes + ")");
                list.add(new Info(name, dt, shape, b, en));
            }
            list.sort(Comparator.comparingLong(Info::begin).thenComparingLong(Info::end));
            long expect = 0;
            for (Info i : list) {
                if (i.begin() != expect)
                    throw error("tensor " + i.name() + ": starts at byte " + i.begin() + " but the previous tensor ends at "
                            + expect + (i.begin() < expect ? " (overlap)" : " (hole)"));
                expect = i.end();
            }
            if (expect != dataLen)
                throw error("data section is " + dataLen + " bytes but the tensors cover " + expect + " (file length mismatch)");
            for (Info i : list) infos.put(i.name(), i);
        }

        public Path file() { return file; }
        public Map<String, Info> tensors() { return Collections.unmodifiableMap(infos); }
        public Map<String, String> metadata() { return Collections.unmodifiableMap(metadata); }
        public boolean has(String name) { return infos.containsKey(name); }

        public Info info(String name) throws IOException {
            Info i = infos.get(name);
            if (i == null) throw error("no tensor named " + name);
            return i;
        }

        /** Converts a float tensor (F32, F16, BF16, F64) into dst[0..numel) as float32. */
        public void readFloats(String name, MemorySegment dst, long[] expectedShape) throws IOException {
            Info i = info(name);
            if (expectedShape != null && !Arrays.equals(i.shape(), expectedShape))
                throw error("tensor " + name + ": shape " + Arrays.toString(i.shape()) + " does not match the model's "
                        + Arrays.toString(expectedShape));
            long n = i.numel();
            MemorySegment src = data.asSlice(i.begin(), i.end() - i.begin());
            ValueLayout.OfFloat dstL = ValueLayout.JAVA_FLOAT_UNALIGNED;
            switch (i.dtype()) {
                case F32 -> {
                    ValueLayout.OfFloat le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) MemorySegment.copy(src, 0, dst, 0, n * 4);
                    else for (long k = 0; k < n; k++) dst.setAtIndex(dstL, k, src.getAtIndex(le, k));
                }
                case BF16 -> {
                    ValueLayout.OfShort le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (long k = 0; k < n; k++) dst.setAtIndex(dstL, k, Float.intBitsToFloat((src.getAtIndex(le, k) & 0xffff) << 16));
                }
                case F16 -> {
                    ValueLayout.OfShort le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (long k = 0; k < n; k++) dst.setAtIndex(dstL, k, Float.float16ToFloat(src.getAtIndex(le, k)));
                }
                case F64 -> {
                    ValueLayout.OfDouble le = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (long k = 0; k < n; k++) dst.setAtIndex(dstL, k, (float) src.getAtIndex(le, k));
                }
                default -> throw error("tensor " + name + ": dtype " + i.dtype() + " is not a float type");
            }
        }

        public float[] floats(String name) throws IOException {
            Info i = info(name);
            float[] out = new float[Math.toIntExact(i.numel())];
            readFloats(name, MemorySegment.ofArray(out), null);
            return out;
        }

        /** Integer tensor (I64 or I32) as longs. */
        public long[] longs(String name) throws IOException {
            Info i = info(name);
            long n = i.numel();
            long[] out = new long[Math.toIntExact(n)];
            MemorySegment src = data.asSlice(i.begin(), i.end() - i.begin());
            switch (i.dtype()) {
                case I64 -> {
                    ValueLayout.OfLong le = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (int k = 0; k < n; k++) out[k] = src.getAtIndex(le, k);
                }
                case I32 -> {
                    ValueLayout.OfInt le = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                    for (int k = 0; k < n; k++) out[k] = src.getAtIndex(le, k);
                }
                default -> throw error("tensor " + name + ": dtype " + i.dtype() + " is not an integer type");
            }
            return out;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    public static Reader open(Path file) throws IOException {
        return new Reader(file);
    }

    /** A tensor to write: float32 data taken from a memory segment of numel(shape) floats. */
    public record Entry(long[] shape, MemorySegment data) {}

    /** Writes float32 tensors in the given order, header padded to 8 bytes; atomic. */
    public static void writeF32(Path file, Map<String, Entry> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, DType.F32);
    }

    /**
     * Writes float tensors stored as {@code dtype} (F32, BF16 or F16), header padded to 8 bytes; atomic.
     * Half precision rounds to nearest even. A value that F16 cannot hold (beyond +-65504) is refused,
     * naming the tensor, rather than written as infinity.
     */
    public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata, DType dtype) throws IOException {
        if (dtype != DType.F32 && dtype != DType.BF16 && dtype != DType.F16)
            throw new IllegalArgumentException(file + ": cannot write float tensors as " + dtype + " (F32, BF16 or F16)");
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            long n = numel(e.getValue().shape());
            if (e.getValue().data().byteSize() < n * 4)
                throw new IllegalArgumentException("tensor " + e.getKey() + ": data holds fewer than " + n + " floats");
            if (dtype != DType.F32) checkRepresentable(file, e.getKey(), e.getValue().data(), n, dtype);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype.name());
            var sh = t.putArray("shape");
            for (long s : e.getValue().shape()) sh.add(s);
            t.putArray("data_offsets").add(offset).add(offset + n * dtype.bytes);
            offset += n * dtype.bytes;
        }
        byte[] hjson = JSON.writeValueAsBytes(header);
        int padded = (hjson.length + 7) / 8 * 8;
        byte[] h = Arrays.copyOf(hjson, padded);
        Arrays.fill(h, hjson.length, padded, (byte) ' ');
        AtomicFiles.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();
            while (len.hasRemaining()) ch.write(len);
            ByteBuffer hb = ByteBuffer.wrap(h);
            while (hb.hasRemaining()) ch.write(hb);
            for (Map.Entry<String, Entry> e : tensors.entrySet()) {
                long n = numel(e.getValue().shape());
                ByteBuffer out = ByteBuffer.allocate((int) Math.min(n * dtype.bytes, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
                MemorySegment src = e.getValue().data();
                for (long k = 0; k < n; k++) {
                    float v = src.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, k);
                    switch (dtype) {
                        case F32 -> out.putFloat(v);
                        case BF16 -> out.putShort(toBf16(v));
                        default -> out.putShort(Float.floatToFloat16(v));
                    }
                    if (!out.hasRemaining()) { out.flip(); while (out.hasRemaining()) ch.write(out); out.clear(); }
                }
                out.flip();
                while (out.hasRemaining()) ch.write(out);
            }
        });
    }

    /** bfloat16 bits of v, rounded to nearest even (the upper half of the float32 bits after rounding). */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (short) ((bits >>> 16) | 0x0040); // keep it a NaN: rounding could clear the mantissa
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    private static void checkRepresentable(Path file, String name, MemorySegment data, long n, DType dtype) {
        for (long k = 0; k < n; k++) {
            float v = data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, k);
            if (!Float.isFinite(v)) continue; // already not finite: written as it is
            float back = dtype == DType.BF16 ? Float.intBitsToFloat(toBf16(v) << 16) : Float.float16ToFloat(Float.floatToFloat16(v));
            if (Float.isInfinite(back))
                throw new IllegalArgumentException(file + ": tensor " + name + " holds " + v + " at index " + k
                        + ", beyond the range of " + dtype);
        }
    }

    // not Tensors.numel: that class starts ND4J, which reading or writing a file does not need
    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }
}
