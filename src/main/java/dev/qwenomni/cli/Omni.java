package dev.qwenomni.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `omni` command line. */
@Command(name = "omni", mixinStandardHelpOptions = true, version = "qwen-omni 0.1.0",
        description = "Qwen3-style speech LM and SNAC-style codec on the JVM.",
        subcommands = {TrainCommand.class, LogitsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Omni implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Omni());
        // bad input gets one clear line, not a stack trace
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("omni " + cmd.getCommandName() + ": " + describe(ex));
            if (System.getenv("OMNI_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null ? ex.getClass().getSimpleName() : msg;
    }
}
