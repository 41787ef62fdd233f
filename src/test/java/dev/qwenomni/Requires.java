package dev.qwenomni;

import org.junit.jupiter.api.Assertions;

/**
 * What a test needs from outside the JVM (a system package, a committed checkpoint). On a
 * developer's machine a missing one skips the test, saying what is missing; under CI=true, where
 * .ci/run installs everything, it fails the run, so a green CI never hides a skipped check.
 */
public final class Requires {
    private Requires() {}

    public static void that(boolean present, String missing) {
        if (present) return;
        if (underCi()) Assertions.fail(missing + " (CI=true: a missing tool or checkpoint fails instead of skipping)");
        dev.qwenomni.Requires.that(false, missing);
    }

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
