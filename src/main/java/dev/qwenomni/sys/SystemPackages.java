package dev.qwenomni.sys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Installs missing Debian packages when we are root (the set-up), or says what to install. */
public final class SystemPackages {
    private static final Logger log = LoggerFactory.getLogger(SystemPackages.class);
    private static boolean updated;

    private SystemPackages() {}

    /** Installs packages when available() is false; returns available() afterwards. */
    public static synchronized boolean ensure(String what, List<String> packages, java.util.function.BooleanSupplier available) {
        if (available.getAsBoolean()) return true;
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            log.warn("{} is not installed; install it with: apt-get install -y {}", what, String.join(" ", packages));
            return false;
        }
        log.info("installing {} (apt-get install -y {})", what, String.join(" ", packages));
        try {
            if (!updated) { run(List.of("apt-get", "update", "-qq")); updated = true; }
            var cmd = new java.util.ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
            cmd.addAll(packages);
            run(cmd);
        } catch (Exception e) {
            log.warn("could not install {}: {}", packages, e.getMessage());
        }
        return available.getAsBoolean();
    }

    private static void run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) throw new Exception(String.join(" ", cmd) + " failed");
    }
}
