package dev.qwenomni.data;

import java.util.SplittableRandom;

/** The one shuffle of the project's data orders: a Fisher-Yates permutation drawn from a seed. */
public final class Shuffle {
    private Shuffle() {}

    /** 0..n-1 in an order that depends only on seed (each task mixes its run seed and epoch into it). */
    public static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        return order;
    }
}
