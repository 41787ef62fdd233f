package dev.qwenomni.sys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Adds a Debian component (e.g. non-free) to apt's sources in a file of our own,
     * /etc/apt/sources.list.d/qwen-omni-COMPONENT.sources, for the release this machine runs; says so in
     * one line. Does nothing when not root, not Debian, or already done.
     */
    public static synchronized void enableComponent(String component) {
        Path file = Path.of("/etc/apt/sources.list.d/qwen-omni-" + component + ".sources");
        if (!"root".equals(System.getProperty("user.name")) || Files.exists(file)) return;
        String codename = null;
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release")))
                if (line.startsWith("VERSION_CODENAME=")) codename = line.substring(line.indexOf('=') + 1).replace("\"", "").trim();
            if (codename == null || codename.isEmpty() || !Files.exists(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg"))) {
                log.warn("cannot enable Debian's {} component: not a Debian release with its archive keyring", component);
                return;
            }
            String text = "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: " + codename + " " + codename + "-updates\n"
                    + "Components: " + component + "\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n";
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
            log.info("enabled Debian's {} component for apt in {}", component, file);
            updated = false; // the new component's package lists must be fetched
        } catch (IOException e) {
            log.warn("cannot enable Debian's {} component ({}): {}", component, file, e.getMessage());
        }
    }

    private static void run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) throw new Exception(String.join(" ", cmd) + " failed");
    }
}
