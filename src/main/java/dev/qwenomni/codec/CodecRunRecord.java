package dev.qwenomni.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.qwenomni.sys.AtomicFiles;
import dev.qwenomni.train.Checkpoints;
import dev.qwenomni.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A codec run folder's run.json: written at the first start and compared on every resume, so that
 * a resume cannot silently change what the run optimises. It holds the objective (loss weights),
 * whether a discriminator takes part, what is frozen and from which step, and the training config
 * the run started with. Codes or decoding may be frozen later in a run (from the step it resumes
 * at), never unfrozen; a discriminator must be there from the first step or not at all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CodecRunRecord(String objective, boolean gan, String frozen, Integer frozenFromStep, TrainConfig started) {
    public static final String FILE = "run.json";
    public static final String CODES = "codes", DECODING = "decoding";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Checks the request against the folder's record and writes the record as it now stands; a
     * refusal writes nothing. {@code frozen} is null, CODES or DECODING.
     */
    public static CodecRunRecord keep(Path out, Path checkpointRoot, CodecObjective objective, boolean gan, String frozen, TrainConfig train)
            throws IOException {
        int latest = Checkpoints.latest(checkpointRoot).map(Checkpoints::step).orElse(-1);
        CodecRunRecord recorded = read(out, latest >= 0);
        String requested = objective.text();
        if (recorded != null && !recorded.objective().equals(requested))
            throw new IllegalArgumentException(out + " trains with loss weights " + recorded.objective() + ", not " + requested
                    + "; resume it with --mel-weight, --stft-weight, --periodicity-weight, --cepstral-weight, --recogniser-weight, "
                    + "--commitment-weight, --emphasis and --extra-mel as recorded, or start a new run folder with --init");
        if (recorded != null && recorded.gan() && !gan)
            throw new IllegalArgumentException(out + " trains against a discriminator (" + out.resolve(FILE) + "); resume it with --gan");
        if (gan && latest >= 0 && (recorded == null || !recorded.gan()))
            throw new IllegalArgumentException(out + " holds checkpoints trained without a discriminator; start a new run folder with --init");
        if (recorded != null && recorded.frozen() != null && !recorded.frozen().equals(frozen))
            throw new IllegalArgumentException(out + " trains " + (recorded.frozen().equals(CODES) ? "the decoder only" : "the encoder only")
                    + " since step " + recorded.frozenFromStep() + " (" + out.resolve(FILE) + "); resume it with "
                    + (recorded.frozen().equals(CODES) ? "--freeze-codes" : "--freeze-decoding"));
        CodecRunRecord now = recorded != null && recorded.frozen() != null ? recorded
                : new CodecRunRecord(requested, gan, frozen, frozen == null ? null : Math.max(latest, 0),
                recorded != null && recorded.started() != null ? recorded.started() : train);
        if (!now.equals(recorded) || !Files.exists(out.resolve(FILE))) { // a folder from before run.json gets one
            Files.createDirectories(out);
            AtomicFiles.write(out.resolve(FILE), JSON.writeValueAsBytes(now));
        }
        return now;
    }

    /**
     * The folder's record: run.json; else, for folders from before it, their marker files
     * (LOSS_WEIGHTS, GAN, FROZEN_CODES, FROZEN_DECODING); else, where checkpoints exist, a run at
     * the defaults; else null (a new run).
     */
    static CodecRunRecord read(Path out, boolean hasCheckpoints) throws IOException {
        Path file = out.resolve(FILE);
        if (Files.exists(file)) {
            try {
                return JSON.readValue(file.toFile(), CodecRunRecord.class);
            } catch (IOException e) {
                throw new IOException(file + ": not a codec run record (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
        Path weights = out.resolve("LOSS_WEIGHTS"), gan = out.resolve("GAN"), codes = out.resolve("FROZEN_CODES"), decoding = out.resolve("FROZEN_DECODING");
        if (!hasCheckpoints && !Files.exists(weights)) return null;
        String objective = Files.exists(weights) ? Files.readString(weights).strip() : CodecObjective.DEFAULT.text();
        String frozen = Files.exists(codes) ? CODES : Files.exists(decoding) ? DECODING : null;
        Integer from = frozen == null ? null : Integer.valueOf(Files.readString(frozen.equals(CODES) ? codes : decoding).strip());
        return new CodecRunRecord(objective, Files.exists(gan), frozen, from, null);
    }
}
