package org.dpl4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic seeding and shuffling, spelled out here rather than left to library internals so
 * that a seed means the same thing on every machine and JDK.
 *
 * <p>Random streams are {@link java.util.Random}, whose algorithm is fixed by its specification.
 * Shuffles are our own Fisher–Yates (not {@code Collections.shuffle}, whose use of the generator is
 * an implementation detail).
 */
public final class Seeds {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /**
     * A seed derived from {@code seed} and a path of keys (e.g. epoch, sample index), such that
     * nearby inputs give unrelated seeds. Each step is SplitMix64's finaliser:
     * {@code h = mix(seed + GOLDEN); for k in keys: h = mix(h ^ mix(k + GOLDEN))}, GOLDEN =
     * {@code 0x9E3779B97F4A7C15}. Used so a sample's augmentation depends only on
     * (seed, epoch, index), never on which thread decoded it or when.
     */
    public static long derive(long seed, long... keys) {
        long h = mix(seed + GOLDEN);
        for (long k : keys) {
            h = mix(h ^ mix(k + GOLDEN));
        }
        return h;
    }

    /** SplitMix64's output function (Steele, Lea and Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A random permutation of {@code 0..n-1}: start from the identity and, for {@code i} from
     * {@code n-1} down to 1, swap element {@code i} with element {@code rng.nextInt(i + 1)}.
     */
    public static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** {@code items} reordered by {@link #permutation(int, Random)}; the input is not modified. */
    public static <T> List<T> shuffled(List<T> items, Random rng) {
        int[] p = permutation(items.size(), rng);
        List<T> out = new ArrayList<>(items.size());
        for (int i : p) {
            out.add(items.get(i));
        }
        return out;
    }
}
