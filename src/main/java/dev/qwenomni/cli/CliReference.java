package dev.qwenomni.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * docs/cli.md, generated from the commands themselves so it cannot go stale: every command's usage
 * as `--help` prints it. CliReferenceTest fails when the committed page differs.
 */
@Command(name = "cli-reference", hidden = true, description = "Print docs/cli.md: every command's --help, as markdown.")
public final class CliReference implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    static final int WIDTH = 110;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(markdown());
        return Omni.OK;
    }

    /** The page for the command line as built by {@link Omni#commandLine()}. */
    public static String markdown() {
        // the page shows the defaults as project-relative paths, not this machine's folder
        String home = System.clearProperty("omni.home");
        try {
            return page();
        } finally {
            if (home != null) System.setProperty("omni.home", home);
        }
    }

    private static String page() {
        StringBuilder out = new StringBuilder("""
                # Command reference

                Generated from the commands' own help (`./omni cli-reference > docs/cli.md`; a test checks that this page
                matches). Relative paths given on the command line resolve against the working directory; the defaults
                under `checkpoints/` and `data/` are the project's own files, found wherever `omni` is run from.

                """);
        append(out, Omni.commandLine());
        return out.toString();
    }

    private static void append(StringBuilder out, CommandLine cl) {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        if (spec.usageMessage().hidden() || spec.name().equals("help")) return;
        cl.setUsageHelpWidth(WIDTH);
        out.append("## ").append(spec.qualifiedName()).append("\n\n```\n")
                .append(cl.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n\n");
        for (CommandLine sub : cl.getSubcommands().values()) append(out, sub);
    }
}
