package dev.qwenomni.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The `omni` command line. Exit codes: 0 done, 1 failed (one line on stderr naming the problem),
 * 2 a usage error (picocli's message and the command's usage).
 */
@Command(name = "omni", mixinStandardHelpOptions = true, version = "qwen-omni 0.1.0",
        description = "Text-to-speech on the JVM: a Qwen3-style LM writes SNAC-style codec tokens, the codec turns them into 24 kHz speech.",
        subcommands = {SpeakCommand.class, TtsCommand.class, CodecCommand.class, DataCommand.class, AsrCommand.class, TrainCommand.class,
                LogitsCommand.class, ConvertCommand.class, BenchCommand.class, PeerBenchCommand.class, CliReference.class, CommandLine.HelpCommand.class})
public final class Omni implements Runnable {
    public static final int OK = 0, FAILED = 1, USAGE = 2;

    /** The top-level help lists commands by what a user wants to do. */
    static final Map<String, List<String>> GROUPS = groups();

    @CommandLine.Spec
    CommandSpec spec;

    /** Inherited by every command; read before picocli runs (see main), since logging starts before parsing ends. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "library log lines and stack traces on failure")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--verbose")) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            System.setProperty("org.slf4j.simpleLogger.log.dev.qwenomni", "debug");
        }
        CommandLine cl = commandLine();
        // one writer pair for every command (picocli hands the top level's down to the subcommands),
        // flushed before exit: print() does not flush, and System.exit would drop what is buffered
        java.io.PrintWriter out = cl.getOut(), err = cl.getErr();
        int rc = cl.execute(args);
        out.flush();
        err.flush();
        System.exit(rc);
    }

    /** The command line with its error handling: bad input gets one clear line, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Omni());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Omni::groupedCommands);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(ex));
            if (parsed.hasMatchedOption("--verbose") || System.getenv("OMNI_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return FAILED;
        });
        return cl;
    }

    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null ? ex.getClass().getSimpleName() : msg;
    }

    private static Map<String, List<String>> groups() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("Speak", List.of("speak"));
        g.put("Train and evaluate", List.of("tts", "codec", "train"));
        g.put("Data and recognition", List.of("data", "asr"));
        g.put("Checkpoints", List.of("convert", "logits"));
        g.put("Measure speed", List.of("bench", "bench-peer"));
        g.put("Help", List.of("help"));
        return g;
    }

    /** The subcommands under GROUPS' headings (a command of no group would be listed under "Other"). */
    private static String groupedCommands(CommandLine.Help help) {
        Map<String, CommandLine.Help> subs = help.subcommands();
        if (subs.isEmpty()) return "";
        StringBuilder out = new StringBuilder();
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (var e : GROUPS.entrySet()) {
            out.append(String.format("%s%s:%n", out.isEmpty() ? "" : System.lineSeparator(), e.getKey()));
            for (String name : e.getValue()) if (subs.containsKey(name)) { out.append(row(name, subs.get(name))); listed.add(name); }
        }
        List<String> other = subs.keySet().stream().filter(n -> !listed.contains(n)).toList();
        if (!other.isEmpty()) {
            out.append(String.format("%nOther:%n"));
            for (String name : other) out.append(row(name, subs.get(name)));
        }
        return out.toString();
    }

    private static String row(String name, CommandLine.Help sub) {
        // the first sentence of the description, its format specifiers (picocli's %n) applied
        String d = String.format(String.join(" ", sub.commandSpec().usageMessage().description())).strip().split("\\R|(?<=\\.) ")[0];
        return String.format("  %-12s %s%n", name, d);
    }
}
