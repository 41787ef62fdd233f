package dev.qwenomni.cli;

import dev.qwenomni.asr.ErrorRate;
import dev.qwenomni.asr.Recognizer;
import dev.qwenomni.data.SpeechSentences;
import dev.qwenomni.speech.DatasetBuilder;
import dev.qwenomni.speech.SpeechCache;
import dev.qwenomni.sys.SystemPackages;
import dev.qwenomni.speech.Teachers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** Speech data: build the teacher dataset, and grade the teachers with the recogniser. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Build and grade the speech dataset.",
        subcommands = {DataCommand.Build.class, DataCommand.TeacherWer.class})
public final class DataCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(DataCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    static class Common {
        @Option(names = "--corpus", defaultValue = DataPaths.CORPUS) Path kjv;
        @Option(names = "--test-list", defaultValue = DataPaths.TEST_LIST, description = "held-out sentences, never trained on")
        Path testList;
        @Option(names = "--out", defaultValue = DataPaths.CACHE + "/speech", description = "audio cache and manifest folder (default ${DEFAULT-VALUE})")
        Path out;
        @Option(names = "--voices", split = ",", defaultValue = "flite:rms,flite:awb,flite:slt,festival:slt_hts",
                description = "teacher:voice list (default ${DEFAULT-VALUE})")
        List<String> voices;
        @Option(names = "--jobs", defaultValue = "2", description = "parallel renderers / recognisers") int jobs;
    }

    @Command(name = "build", mixinStandardHelpOptions = true, description = "corpus -> teacher audio (24 kHz) -> manifest.jsonl")
    static final class Build extends Common implements Callable<Integer> {
        @Option(names = "--hours", defaultValue = "1.0", description = "hours of training speech (default ${DEFAULT-VALUE})") double hours;
        @Option(names = "--val", defaultValue = "60", description = "validation sentences (default ${DEFAULT-VALUE})") int val;
        @Option(names = "--no-progress") boolean noProgress;
        @Option(names = "--teacher-wer", description = "then score every voice on the held-out sentences (about 2 min per voice)")
        boolean teacherWer;
        @Option(names = "--test-every-voice", description = "render each held-out sentence with every voice, not one voice in turn "
                + "(a test split as many times larger as there are voices, e.g. for codec eval)") boolean testEveryVoice;

        @Override
        public Integer call() throws Exception {
            long t0 = System.nanoTime();
            DatasetBuilder.Result r = new DatasetBuilder(new DatasetBuilder.Options(kjv, testList, out, voices, hours, val, jobs, !noProgress, testEveryVoice)).build();
            Set<String> speakers = new TreeSet<>();
            r.entries().forEach(e -> speakers.add(e.speaker()));
            for (String split : List.of("train", "val", "test")) {
                long n = r.entries().stream().filter(e -> e.split().equals(split)).count();
                log.info("{}: {} clips, {} h", split, n, String.format(Locale.ROOT, "%.3f", r.hours(split)));
            }
            log.info("manifest {}: {} clips, {} h of speech, {} speakers {}, built in {} s", r.manifest(), r.entries().size(),
                    String.format(Locale.ROOT, "%.3f", r.hours(null)), speakers.size(), speakers,
                    String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9));
            if (teacherWer) teacherWerTable(this, 0);
            return 0;
        }
    }

    @Command(name = "teacher-wer", mixinStandardHelpOptions = true,
            description = "Render the held-out test sentences with every voice and score them with the recogniser (general and open corpus LM).")
    static final class TeacherWer extends Common implements Callable<Integer> {
        @Option(names = "--limit", defaultValue = "0", description = "use only the first N test sentences (0 = all)") int limit;

        @Override
        public Integer call() throws Exception {
            teacherWerTable(this, limit);
            return 0;
        }
    }

    /** Renders the held-out sentences with every voice and prints WER (open corpus LM, general LM) and CER. */
    static void teacherWerTable(Common o, int limit) throws Exception {
        SystemPackages.ensure("pocketsphinx", Recognizer.PACKAGES, Recognizer::available);
        List<String> all = SpeechSentences.readTestList(o.testList);
        List<String> test = limit > 0 ? all.subList(0, Math.min(limit, all.size())) : all;
        Path corpusLm = Recognizer.corpusLm(o.kjv, SpeechSentences.testKeys(o.testList), o.out.resolve("asr"));
        SpeechCache cache = new SpeechCache(o.out.resolve("audio"));
        Path work = o.out.resolve("work");
        System.out.printf("%-20s %8s %10s %10s %10s%n", "voice", "clips", "WER open", "WER gen.", "CER open");
        for (String id : o.voices) {
            Teachers.Voice v = Teachers.voice(id);
            if (!v.teacher().ensureInstalled()) { System.out.printf("%-20s skipped (not installed)%n", id); continue; }
            List<Path> wavs = new ArrayList<>();
            for (int c = 0; c < test.size(); c += DatasetBuilder.CHUNK)
                wavs.addAll(cache.render(v, test.subList(c, Math.min(test.size(), c + DatasetBuilder.CHUNK)), work));
            ErrorRate.Totals open = ErrorRate.score(test, new Recognizer(corpusLm, o.jobs).transcribe(wavs, work));
            ErrorRate.Totals gen = ErrorRate.score(test, new Recognizer(null, o.jobs).transcribe(wavs, work));
            System.out.printf(Locale.ROOT, "%-20s %8d %9.1f%% %9.1f%% %9.1f%%%n", id, wavs.size(), 100 * open.wer(), 100 * gen.wer(), 100 * open.cer());
        }
    }

}
