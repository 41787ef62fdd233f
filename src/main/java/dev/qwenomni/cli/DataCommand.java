package dev.qwenomni.cli;

import dev.qwenomni.speech.DatasetBuilder;
import dev.qwenomni.speech.TeacherGrading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** Speech data: build the teacher dataset, and grade the teachers with the recogniser. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Build and grade the speech dataset.",
        subcommands = {DataCommand.Build.class, DataCommand.Import.class, DataCommand.TeacherWer.class})
public final class DataCommand implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(DataCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    static class Common {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
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
            if (teacherWer) teacherWerTable(this, 0, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Your own speech, in the LJSpeech layout (metadata.csv with id|transcript[|normalized], wavs/ID.wav), as a "
                    + "manifest: writes FOLDER/manifest.jsonl (2%% of the clips, by a hash of the id, for validation), which codec train "
                    + "and tts train read with --manifest.")
    static final class Import implements Callable<Integer> {
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.Parameters(index = "0", description = "the LJSpeech-style folder") Path folder;

        @Override
        public Integer call() throws Exception {
            List<dev.qwenomni.speech.ManifestEntry> entries = dev.qwenomni.speech.LjSpeechLoader.load(folder);
            Path manifest = folder.resolve("manifest.jsonl");
            dev.qwenomni.speech.ManifestEntry.write(manifest, entries);
            double hours = entries.stream().mapToDouble(dev.qwenomni.speech.ManifestEntry::duration).sum() / 3600;
            long val = entries.stream().filter(e -> e.split().equals("val")).count();
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %d clips (%d validation), %.2f h of speech, speaker %s%n", manifest,
                    entries.size(), val, hours, entries.get(0).speaker());
            return Omni.OK;
        }
    }

    @Command(name = "teacher-wer", mixinStandardHelpOptions = true,
            description = "Render the held-out test sentences with every voice and score them with the recogniser (general and open corpus LM).")
    static final class TeacherWer extends Common implements Callable<Integer> {
        @Option(names = "--limit", defaultValue = "0", description = "use only the first N test sentences (0 = all)") int limit;

        @Override
        public Integer call() throws Exception {
            teacherWerTable(this, limit, spec.commandLine().getOut());
            return 0;
        }
    }

    /** The teachers' scores on the held-out sentences, as a table. */
    static void teacherWerTable(Common o, int limit, java.io.PrintWriter out) throws Exception {
        out.printf("%-20s %8s %10s %10s %10s%n", "voice", "clips", "WER open", "WER gen.", "CER open");
        for (TeacherGrading.Row r : TeacherGrading.grade(o.kjv, o.testList, o.out, o.voices, limit, o.jobs)) {
            if (r.skipped()) out.printf("%-20s skipped (not installed)%n", r.voice());
            else out.printf(Locale.ROOT, "%-20s %8d %9.1f%% %9.1f%% %9.1f%%%n", r.voice(), r.clips(), 100 * r.werOpen(), 100 * r.werGeneral(), 100 * r.cerOpen());
        }
    }
}
