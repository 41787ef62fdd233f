package dev.qwenomni.speech;

import dev.qwenomni.sys.SystemPackages;
import dev.qwenomni.data.SpeechSentences;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * corpus -> teacher audio -> manifest. Training sentences are taken in a fixed hash order and
 * rendered in rounds until the requested hours are reached; speakers take sentences in turn.
 * Every rendering goes through the content-addressed cache, so an interrupted build resumes and
 * a second build renders nothing.
 */
public final class DatasetBuilder {
    private static final Logger log = LoggerFactory.getLogger(DatasetBuilder.class);
    public static final int CHUNK = 24;

    /**
     * testEveryVoice renders each held-out sentence with every voice instead of one voice in turn: a test split as
     * many times larger as there are voices, for measurements that need more clips than sentences.
     */
    public record Options(Path kjv, Path testList, Path outDir, List<String> voices, double trainHours, int valSentences,
                          int jobs, boolean progress, boolean testEveryVoice) {
        public Options(Path kjv, Path testList, Path outDir, List<String> voices, double trainHours, int valSentences, int jobs, boolean progress) {
            this(kjv, testList, outDir, voices, trainHours, valSentences, jobs, progress, false);
        }
    }

    public record Result(Path manifest, List<ManifestEntry> entries) {
        public double hours(String split) {
            return entries.stream().filter(e -> split == null || e.split().equals(split)).mapToDouble(ManifestEntry::duration).sum() / 3600;
        }
    }

    private final Options o;
    private final SpeechCache cache;
    /** The voice a build falls back to when none of the requested teachers can be installed. */
    static final String FALLBACK_VOICE = "flite:rms";

    public DatasetBuilder(Options o) {
        this.o = o;
        this.cache = new SpeechCache(o.outDir().resolve("audio"));
    }

    public Result build() throws Exception {
        List<Teachers.Voice> voices = new ArrayList<>();
        for (String id : o.voices()) {
            Teachers.Voice v = Teachers.voice(id);
            if (v.teacher().ensureInstalled()) voices.add(v);
            else log.warn("skipping voice {}: {} is not available", id, v.teacher().name());
        }
        if (voices.isEmpty() && !o.voices().contains(FALLBACK_VOICE)) {
            Teachers.Voice fallback = Teachers.voice(FALLBACK_VOICE);
            if (fallback.teacher().ensureInstalled()) {
                log.warn("none of {} is available here: building with {} instead", o.voices(), FALLBACK_VOICE);
                voices.add(fallback);
            }
        }
        if (voices.isEmpty()) throw new IOException("no teacher voice is available (tried " + o.voices() + ")");
        // the fortune files are the second corpus source; without them the corpus is the KJV alone
        if (!SystemPackages.ensure("the fortune files", List.of("fortunes"), () -> Files.isDirectory(SpeechSentences.FORTUNES)))
            log.warn("{} missing: the corpus is the King James Bible alone", SpeechSentences.FORTUNES);
        List<String> test = SpeechSentences.readTestList(o.testList());
        Set<String> testKeys = SpeechSentences.testKeys(o.testList());
        List<SpeechSentences.Sentence> all = SpeechSentences.load(o.kjv(), testKeys);
        Comparator<SpeechSentences.Sentence> order = Comparator.comparingLong(s -> mix(SpeechSentences.key(s.text()).hashCode()));
        List<SpeechSentences.Sentence> train = all.stream().filter(s -> s.split().equals("train")).sorted(order).toList();
        List<SpeechSentences.Sentence> val = all.stream().filter(s -> s.split().equals("val")).sorted(order).limit(o.valSentences()).toList();
        log.info("corpus: {} sentences ({} train, {} validation candidates, {} held-out test); voices {}", all.size(), train.size(),
                all.stream().filter(s -> s.split().equals("val")).count(), test.size(), voices.stream().map(Teachers.Voice::id).toList());

        List<ManifestEntry> entries = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.jobs()));
        try (ProgressBar bar = o.progress() ? new ProgressBarBuilder().setTaskName("speech").setStyle(ProgressBarStyle.ASCII)
                .setUnit(" s", 1).setInitialMax((long) (o.trainHours() * 3600)).build() : null) {
            renderAll(pool, voices, val.stream().map(SpeechSentences.Sentence::text).toList(), "val", entries, null);
            if (o.testEveryVoice()) for (Teachers.Voice v : voices) renderAll(pool, List.of(v), test, "test", entries, null);
            else renderAll(pool, voices, test, "test", entries, null);
            double seconds = 0;
            int next = 0;
            int round = Math.max(1, o.jobs()) * CHUNK * 2;
            while (seconds < o.trainHours() * 3600 && next < train.size()) {
                List<String> batch = train.subList(next, Math.min(train.size(), next + round)).stream().map(SpeechSentences.Sentence::text).toList();
                int before = entries.size();
                renderAll(pool, voices, batch, "train", entries, next);
                for (int i = before; i < entries.size(); i++) seconds += entries.get(i).duration();
                next += batch.size();
                if (bar != null) bar.stepTo((long) Math.min(seconds, o.trainHours() * 3600));
            }
        } finally {
            pool.shutdownNow();
        }
        Path manifest = o.outDir().resolve("manifest.jsonl");
        ManifestEntry.write(manifest, entries);
        return new Result(manifest, entries);
    }

    /** Renders texts with the voices in turn (text i gets voice (offset + i) mod n), in parallel chunks. */
    private void renderAll(ExecutorService pool, List<Teachers.Voice> voices, List<String> texts, String split,
                           List<ManifestEntry> entries, Integer offset) throws Exception {
        int off = offset == null ? 0 : offset;
        List<Future<List<ManifestEntry>>> jobs = new ArrayList<>();
        for (int vi = 0; vi < voices.size(); vi++) {
            Teachers.Voice v = voices.get(vi);
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) if (Math.floorMod(off + i, voices.size()) == vi) mine.add(texts.get(i));
            for (int c = 0; c < mine.size(); c += CHUNK) {
                List<String> chunk = mine.subList(c, Math.min(mine.size(), c + CHUNK));
                jobs.add(pool.submit(() -> entriesFor(v, chunk, split)));
            }
        }
        for (Future<List<ManifestEntry>> f : jobs) entries.addAll(f.get());
    }

    private List<ManifestEntry> entriesFor(Teachers.Voice v, List<String> texts, String split) throws IOException {
        List<Path> paths = cache.render(v, texts, o.outDir().resolve("work"));
        List<ManifestEntry> out = new ArrayList<>();
        Path base = o.outDir().toAbsolutePath();
        for (int i = 0; i < texts.size(); i++) {
            Path p = paths.get(i).toAbsolutePath();
            double dur = (Files.size(p) - 44) / 2.0 / SpeechCache.RATE;
            String id = p.getFileName().toString().replace(".wav", "");
            out.add(new ManifestEntry(id, texts.get(i), v.id(), Math.round(dur * 1000) / 1000.0, split, base.relativize(p).toString()));
        }
        return out;
    }

    private static long mix(long x) {
        x ^= x >>> 33; x *= 0xff51afd7ed558ccdL; x ^= x >>> 33; x *= 0xc4ceb9fe1a85ec53L; x ^= x >>> 33;
        return x;
    }
}
