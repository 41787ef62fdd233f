package dev.qwenomni.speech;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Installs missing Debian packages when we are root (the set-up), or says what to install. */
public final class SystemPackages {
    private static final Logger log = LoggerFactory.getLogger(SystemPackages.class);
    private static boolean updated;

    private SystemPackages() {}

    public static synchronized boolean ensure(Teacher t) {
        if (t.available()) return true;
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            log.warn("{} is not installed; install it with: apt-get install -y {}", t.name(), String.join(" ", t.packages()));
            return false;
        }
        log.info("installing {} (apt-get install -y {})", t.name(), String.join(" ", t.packages()));
        try {
            if (!updated) { run(List.of("apt-get", "update", "-qq")); updated = true; }
            var cmd = new java.util.ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
            cmd.addAll(t.packages());
            run(cmd);
        } catch (Exception e) {
            log.warn("could not install {}: {}", t.packages(), e.getMessage());
        }
        return t.available();
    }

    private static void run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) throw new Exception(String.join(" ", cmd) + " failed");
    }
}
