package org.dpl4j.search;

import java.util.List;
import java.util.Locale;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.StreamMethod;

/**
 * The search spaces by method name: {@code dpl} (DPL's key/value {@link Supernet}), {@code maple} and {@code promptsrc}
 * (their per-block lengths, {@link StreamSupernet}).
 */
public final class SearchSpaces {
    private SearchSpaces() {}

    public static List<String> methods() {
        return List.of(Supernet.METHOD, StreamMethod.MAPLE.id(), StreamMethod.PROMPTSRC.id());
    }

    /** The canonical (lower-case) name; fails naming the choices for an unknown one. */
    public static String check(String method) {
        String m = method.toLowerCase(Locale.ROOT);
        if (!methods().contains(m)) {
            throw new IllegalArgumentException("unknown search method '" + method + "'; choose one of " + String.join(", ", methods()));
        }
        return m;
    }

    /**
     * A freshly initialised space of {@code method} on {@code clip}'s device (seeded), computing its mixtures the
     * {@code mode} way; only DPL's key/value space has a naive path (a reference for the fused one).
     */
    public static SearchSpace init(String method, ClipModel clip, List<Integer> candidates, long seed, AttentionMode mode) {
        String m = check(method);
        if (mode != AttentionMode.FUSED && !Supernet.METHOD.equals(m)) {
            throw new IllegalArgumentException("the " + m + " search has a single (fused) mixture path; --attention " + mode
                    .name().toLowerCase(Locale.ROOT) + " is DPL's");
        }
        if (Supernet.METHOD.equals(m)) {
            return Supernet.init(clip.config(), candidates, clip.device(), seed, mode);
        }
        return StreamSupernet.init(StreamMethod.named(m).orElseThrow(), clip, candidates, seed);
    }
}
