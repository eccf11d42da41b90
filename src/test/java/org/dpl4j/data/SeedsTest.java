package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void permutationIsAPermutationAndPinned() {
        int[] p = Seeds.permutation(10, new Random(42));
        assertThat(Arrays.stream(p).sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(Seeds.permutation(10, new Random(42))).isEqualTo(p);
        assertThat(Seeds.permutation(10, new Random(43))).isNotEqualTo(p);
        assertThat(Seeds.permutation(0, new Random(1))).isEmpty();
    }

    @Test
    void derivedSeedsDependOnEveryKeyAndTheirOrder() {
        Set<Long> seen = new HashSet<>();
        for (long epoch = 0; epoch < 20; epoch++) {
            for (long index = -1; index < 50; index++) {
                assertThat(seen.add(Seeds.derive(7, epoch, index))).isTrue();
            }
        }
        assertThat(Seeds.derive(7, 1, 2)).isNotEqualTo(Seeds.derive(7, 2, 1)).isNotEqualTo(Seeds.derive(8, 1, 2));
        assertThat(Seeds.derive(7, 1, 2)).isEqualTo(Seeds.derive(7, 1, 2));
    }
}
