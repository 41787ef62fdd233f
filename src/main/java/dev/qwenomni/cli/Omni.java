package dev.qwenomni.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `omni` command line. */
@Command(name = "omni", mixinStandardHelpOptions = true, version = "qwen-omni 0.1.0",
        description = "Qwen3-style speech LM and SNAC-style codec on the JVM.",
        subcommands = {TrainCommand.class, LogitsCommand.class, BenchCommand.class, DataCommand.class, AsrCommand.class, CodecCommand.class, TtsCommand.class, SpeakCommand.class, PeerBenchCommand.class, ConvertCommand.class,
                CommandLine.HelpCommand.class})
public final class Omni implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: bad input gets one clear line, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Omni());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(ex));
            if (System.getenv("OMNI_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl;
    }

    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null ? ex.getClass().getSimpleName() : msg;
    }
}
