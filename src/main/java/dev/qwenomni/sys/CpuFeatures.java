package dev.qwenomni.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The instruction-set flags the kernel reports for this CPU (the first "flags" line of /proc/cpuinfo). */
public final class CpuFeatures {
    private static final Set<String> FLAGS = read();

    private CpuFeatures() {}

    public static boolean has(String flag) { return FLAGS.contains(flag); }

    /** bf16 dot products in hardware: AVX512_BF16 (Zen 4, Cooper Lake and later) or AMX-BF16. */
    public static boolean hasBf16Matmul() { return has("avx512_bf16") || has("amx_bf16"); }

    /** The widest vector extension present, for logs: avx512, avx2 or baseline. */
    public static String vectorLevel() {
        return has("avx512f") ? "avx512" : has("avx2") ? "avx2" : "baseline";
    }

    private static Set<String> read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("flags")) return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: report no optional features, so only the safe paths are chosen
        }
        return Set.of();
    }
}
