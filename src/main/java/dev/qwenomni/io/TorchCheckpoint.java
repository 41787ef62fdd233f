package dev.qwenomni.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch state dict saved with torch.save (a zip archive: data.pkl plus one file per
 * storage) without running any Python: a small unpickler that understands only what a state dict
 * of float tensors needs (OrderedDict, FloatStorage, _rebuild_tensor_v2, plain containers and
 * numbers) and refuses every other global, so a malicious pickle cannot execute anything.
 */
public final class TorchCheckpoint {
    static final Set<String> ALLOWED = Set.of("collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch FloatStorage",
            "torch._utils _rebuild_parameter");

    /** A float32 tensor read from the archive. */
    public record Tensor(long[] shape, float[] data) {}

    private TorchCheckpoint() {}

    public static Map<String, Tensor> read(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = null;
            for (var en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl")) { pkl = e; break; }
            }
            if (pkl == null) throw new IOException(file + ": no data.pkl (not a torch.save zip archive)");
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            byte[] pickle;
            try (InputStream in = zip.getInputStream(pkl)) { pickle = in.readAllBytes(); }
            Object root = new Unpickler(pickle, file.toString()).load();
            if (!(root instanceof Map<?, ?> map)) throw new IOException(file + ": data.pkl holds " + describe(root) + ", not a state dict");
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (var e : map.entrySet()) {
                if (!(e.getValue() instanceof TensorRef t)) throw new IOException(file + ": entry " + e.getKey() + " is " + describe(e.getValue()) + ", not a tensor");
                out.put(String.valueOf(e.getKey()), t.materialize(zip, prefix, file, String.valueOf(e.getKey())));
            }
            return out;
        }
    }

    private static String describe(Object o) { return o == null ? "None" : o.getClass().getSimpleName(); }

    record Global(String module, String name) {}
    record StorageRef(String key, long numel) {}
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
        Tensor materialize(ZipFile zip, String prefix, Path file, String name) throws IOException {
            ZipEntry e = zip.getEntry(prefix + "data/" + storage.key());
            if (e == null) throw new IOException(file + ": tensor " + name + ": storage data/" + storage.key() + " missing");
            byte[] raw;
            try (InputStream in = zip.getInputStream(e)) { raw = in.readAllBytes(); }
            if (raw.length != storage.numel() * 4)
                throw new IOException(file + ": tensor " + name + ": storage of " + raw.length + " bytes, expected " + storage.numel() * 4);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            long n = 1;
            for (long s : shape) n *= s;
            float[] data = new float[Math.toIntExact(n)];
            // gather by strides (state dicts are usually contiguous, but need not be)
            int[] idx = new int[shape.length];
            for (int i = 0; i < n; i++) {
                long pos = offset;
                for (int d = 0; d < shape.length; d++) pos += idx[d] * stride[d];
                if (pos < 0 || pos >= storage.numel()) throw new IOException(file + ": tensor " + name + ": element outside its storage");
                data[i] = b.getFloat((int) pos * 4);
                for (int d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
            }
            return new Tensor(shape, data);
        }
    }

    /** Pickle protocol 2-4, the subset torch.save emits for a state dict. */
    static final class Unpickler {
        private final ByteBuffer in;
        private final String name;
        private final List<Object> stack = new ArrayList<>();
        private final List<Integer> marks = new ArrayList<>();
        private final Map<Integer, Object> memo = new HashMap<>();

        Unpickler(byte[] data, String name) {
            this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            this.name = name;
        }

        private IOException bad(String msg) { return new IOException(name + ": data.pkl at byte " + in.position() + ": " + msg); }
        private Object pop() { return stack.remove(stack.size() - 1); }
        private Object peek() { return stack.get(stack.size() - 1); }
        private List<Object> popMark() {
            int m = marks.remove(marks.size() - 1);
            List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
            stack.subList(m, stack.size()).clear();
            return items;
        }
        private String line() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte c;
            while ((c = in.get()) != '\n') b.write(c);
            return b.toString(StandardCharsets.UTF_8);
        }
        private String utf8(int n) {
            byte[] b = new byte[n];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        @SuppressWarnings("unchecked")
        Object load() throws IOException {
            try {
                while (true) {
                    int op = in.get() & 0xff;
                    switch (op) {
                        case 0x80 -> in.get();                               // PROTO
                        case 0x95 -> in.getLong();                           // FRAME
                        case '.' -> { return pop(); }                        // STOP
                        case '(' -> marks.add(stack.size());                 // MARK
                        case '}' -> stack.add(new LinkedHashMap<>());         // EMPTY_DICT
                        case ']' -> stack.add(new ArrayList<>());            // EMPTY_LIST
                        case ')' -> stack.add(List.of());                    // EMPTY_TUPLE
                        case 'N' -> stack.add(null);
                        case 0x88 -> stack.add(Boolean.TRUE);
                        case 0x89 -> stack.add(Boolean.FALSE);
                        case 'J' -> stack.add((long) in.getInt());
                        case 'K' -> stack.add((long) (in.get() & 0xff));
                        case 'M' -> stack.add((long) (in.getShort() & 0xffff));
                        case 0x8a -> {                                       // LONG1
                            int n = in.get() & 0xff;
                            long v = 0;
                            for (int i = 0; i < n; i++) v |= (long) (in.get() & 0xff) << (8 * i);
                            if (n > 0 && n < 8 && (v >> (8 * n - 1) & 1) == 1) v -= 1L << (8 * n);
                            stack.add(v);
                        }
                        case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT, big-endian
                        case 'X' -> stack.add(utf8(in.getInt()));
                        case 0x8c -> stack.add(utf8(in.get() & 0xff));      // SHORT_BINUNICODE
                        case 0x8d -> stack.add(utf8((int) in.getLong()));   // BINUNICODE8
                        case 'c' -> stack.add(global(line(), line()));      // GLOBAL
                        case 0x93 -> { String n = (String) pop(), m = (String) pop(); stack.add(global(m, n)); } // STACK_GLOBAL
                        case 'q' -> memo.put(in.get() & 0xff, peek());      // BINPUT
                        case 'r' -> memo.put(in.getInt(), peek());          // LONG_BINPUT
                        case 0x94 -> memo.put(memo.size(), peek());         // MEMOIZE
                        case 'h' -> stack.add(memo.get(in.get() & 0xff));   // BINGET
                        case 'j' -> stack.add(memo.get(in.getInt()));       // LONG_BINGET
                        case 't' -> stack.add(List.copyOf(nullSafe(popMark())));
                        case 0x85 -> stack.add(tuple(pop()));
                        case 0x86 -> { Object b = pop(), a = pop(); stack.add(tuple(a, b)); }
                        case 0x87 -> { Object c = pop(), b = pop(), a = pop(); stack.add(tuple(a, b, c)); }
                        case 'a' -> { Object v = pop(); ((List<Object>) peek()).add(v); }
                        case 'e' -> { List<Object> items = popMark(); ((List<Object>) peek()).addAll(items); }
                        case 's' -> { Object v = pop(), k = pop(); ((Map<Object, Object>) peek()).put(k, v); }
                        case 'u' -> {
                            List<Object> items = popMark();
                            Map<Object, Object> m = (Map<Object, Object>) peek();
                            for (int i = 0; i + 1 < items.size(); i += 2) m.put(items.get(i), items.get(i + 1));
                        }
                        case 'Q' -> stack.add(persistent(pop()));           // BINPERSID
                        case 'R' -> { Object args = pop(), f = pop(); stack.add(call(f, (List<Object>) args)); }
                        case 0x81 -> { Object args = pop(), cls = pop(); stack.add(call(cls, (List<Object>) args)); } // NEWOBJ
                        case 'b' -> pop();  // BUILD: state for an OrderedDict or tensor; nothing a state dict needs
                        default -> throw bad(String.format("unsupported pickle opcode 0x%02x", op));
                    }
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw bad("truncated pickle");
            } catch (ClassCastException | IndexOutOfBoundsException e) {
                throw bad("malformed pickle (" + e.getMessage() + ")");
            }
        }

        private static List<Object> nullSafe(List<Object> l) {
            return l.contains(null) ? java.util.Collections.unmodifiableList(new ArrayList<>(l)) : l;
        }

        private static List<Object> tuple(Object... items) {
            List<Object> l = new ArrayList<>();
            java.util.Collections.addAll(l, items);
            return java.util.Collections.unmodifiableList(l);
        }

        private Global global(String module, String name) throws IOException {
            if (!ALLOWED.contains(module + " " + name))
                throw bad("refusing global " + module + "." + name + " (only a plain state dict of float tensors is read)");
            return new Global(module, name);
        }

        private Object persistent(Object pid) throws IOException {
            if (!(pid instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0)))
                throw bad("unexpected persistent id " + pid);
            if (!(t.get(1) instanceof Global g) || !g.name().equals("FloatStorage"))
                throw bad("storage type " + t.get(1) + " is not FloatStorage (only float32 checkpoints are read)");
            return new StorageRef(String.valueOf(t.get(2)), ((Number) t.get(4)).longValue());
        }

        private Object call(Object f, List<Object> args) throws IOException {
            if (!(f instanceof Global g)) throw bad("call of " + describe(f));
            return switch (g.name()) {
                case "OrderedDict" -> new LinkedHashMap<>();
                case "_rebuild_tensor_v2" -> new TensorRef((StorageRef) args.get(0), ((Number) args.get(1)).longValue(),
                        longs(args.get(2)), longs(args.get(3)));
                case "_rebuild_parameter" -> args.get(0);
                default -> throw bad("call of " + g);
            };
        }

        private static long[] longs(Object o) {
            List<?> l = (List<?>) o;
            long[] r = new long[l.size()];
            for (int i = 0; i < r.length; i++) r[i] = ((Number) l.get(i)).longValue();
            return r;
        }
    }
}
