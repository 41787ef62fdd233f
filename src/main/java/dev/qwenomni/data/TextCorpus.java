package dev.qwenomni.data;

import dev.qwenomni.sys.AtomicFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * A line-per-passage English text file (optionally .gz), split deterministically into train and
 * validation by a hash of each line, tokenised once and cached under the cache folder by the
 * hash of the file's bytes and the split rule.
 */
public final class TextCorpus {
    public final int[] train, val;
    public final Path source;

    private TextCorpus(Path source, int[] train, int[] val) {
        this.source = source;
        this.train = train;
        this.val = val;
    }

    /** Lines whose hash falls in the first {@code valPercent} of 100 buckets go to validation. */
    public static TextCorpus load(Path file, ByteTokenizer tok, int valPercent, Path cacheDir) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("corpus file not found: " + file);
        byte[] raw = Files.readAllBytes(file);
        String key;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(raw);
            md.update(("bytes-v1/val" + valPercent).getBytes(StandardCharsets.UTF_8));
            key = HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path cache = cacheDir == null ? null : cacheDir.resolve("tokens-" + key + ".bin");
        if (cache != null && Files.isRegularFile(cache)) {
            try {
                int[][] parts = readCache(cache);
                return new TextCorpus(file, parts[0], parts[1]);
            } catch (IOException e) {
                // a damaged cache is rebuilt, never trusted
                org.slf4j.LoggerFactory.getLogger(TextCorpus.class).warn("{}: unreadable token cache ({}), rebuilding", cache, e.getMessage());
            }
        }
        StringBuilder tr = new StringBuilder(), va = new StringBuilder();
        InputStream in = new java.io.ByteArrayInputStream(raw);
        if (file.toString().endsWith(".gz")) in = new GZIPInputStream(in);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                line = line.strip();
                if (line.isEmpty()) continue;
                if (line.indexOf('\uFFFD') >= 0) throw new IOException(file + ": line " + n + " is not valid UTF-8");
                (bucket(line) < valPercent ? va : tr).append(line).append('\n');
            }
        }
        int[] train = tok.encode(tr.toString()), val = tok.encode(va.toString());
        if (train.length < 2 || val.length < 2) throw new IOException(file + ": too little text for a train/validation split");
        if (cache != null) writeCache(cache, train, val);
        return new TextCorpus(file, train, val);
    }

    /** The line's bucket of 100 by FNV-1a: stable across runs, JVMs and platforms. */
    static int bucket(String line) {
        return (int) Long.remainderUnsigned(SpeechSentences.fnv(line), 100);
    }

    /** Unigram entropy (nats) of the training tokens: the loss of a model that ignores context. */
    public double unigramEntropy(int vocab) {
        long[] counts = new long[vocab];
        for (int t : train) counts[t]++;
        double h = 0;
        for (long c : counts) if (c > 0) { double p = (double) c / train.length; h -= p * Math.log(p); }
        return h;
    }

    private static final int MAGIC = 0x514f5443; // "QOTC"

    private static void writeCache(Path f, int[] a, int[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(12 + 4 * (a.length + b.length)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(a.length).putInt(b.length);
        for (int x : a) buf.putInt(x);
        for (int x : b) buf.putInt(x);
        AtomicFiles.write(f, buf.array());
    }

    private static int[][] readCache(Path f) throws IOException {
        byte[] all = Files.readAllBytes(f);
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 12 || buf.getInt() != MAGIC) throw new IOException("bad magic");
        int na = buf.getInt(), nb = buf.getInt();
        if (na < 0 || nb < 0 || 12L + 4L * (na + (long) nb) != all.length) throw new IOException("length mismatch");
        int[] a = new int[na], b = new int[nb];
        for (int i = 0; i < na; i++) a[i] = buf.getInt();
        for (int i = 0; i < nb; i++) b[i] = buf.getInt();
        return new int[][]{a, b};
    }
}
