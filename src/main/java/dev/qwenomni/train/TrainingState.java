package dev.qwenomni.train;

/** What, beside weights and optimizer moments, a resumed run needs to continue exactly. */
public record TrainingState(int step, long dataEpoch, int dataIndex, long seed, long tokensSeen) {}
