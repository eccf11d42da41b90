package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettlingRuleTest {
    private static final List<Integer> CANDIDATES = List.of(0, 1, 2);

    /** One block per branch; {@code text}/{@code image} = index of the favoured candidate, {@code lead} its margin. */
    private static AlphaSnapshot snap(int epoch, int text, int image, float lead) {
        return new AlphaSnapshot(epoch, CANDIDATES, new float[][] {row(text, lead)}, new float[][] {row(image, lead)});
    }

    private static float[] row(int top, float lead) {
        float[] r = {0.3f, 0.3f, 0.3f};
        r[top] += lead;
        return r;
    }

    private static List<AlphaSnapshot> history(int[][] layouts, float lead) {
        List<AlphaSnapshot> out = new ArrayList<>();
        for (int e = 0; e < layouts.length; e++) {
            out.add(snap(e, layouts[e][0], layouts[e][1], lead));
        }
        return out;
    }

    @Test
    void stopsOnceTheLayoutHasHeldForPatienceEpochsWithMarginsAboveTheThreshold() {
        SettlingRule rule = new SettlingRule(2, 0.05);
        int[][] layouts = {{0, 1}, {2, 1}, {2, 0}, {2, 0}, {2, 0}};
        // epochs 0..3: layout [2,0] first seen at epoch 2, held for one epoch only
        assertThat(rule.reasonToStop(history(java.util.Arrays.copyOf(layouts, 4), 0.1f))).isNull();
        String reason = rule.reasonToStop(history(layouts, 0.1f));
        assertThat(reason).startsWith("layout unchanged for 2 epochs (since epoch 2)").contains("smallest 0.1000");
    }

    @Test
    void aLayoutChangeInEitherBranchResetsTheCount() {
        SettlingRule rule = new SettlingRule(2, 0.0);
        assertThat(rule.reasonToStop(history(new int[][] {{2, 0}, {2, 0}, {2, 1}}, 0.1f))).as("image changed").isNull();
        assertThat(rule.reasonToStop(history(new int[][] {{2, 0}, {1, 0}, {1, 0}}, 0.1f))).as("text changed").isNull();
        assertThat(rule.reasonToStop(history(new int[][] {{2, 0}, {2, 0}, {2, 0}}, 0.1f))).isNotNull();
    }

    @Test
    void aNarrowMarginKeepsTheSearchGoing() {
        int[][] settled = {{1, 1}, {1, 1}, {1, 1}, {1, 1}};
        assertThat(new SettlingRule(2, 0.05).reasonToStop(history(settled, 0.04f))).isNull();
        assertThat(new SettlingRule(2, 0.05).reasonToStop(history(settled, 0.06f))).isNotNull();
        // only the weakest block counts: one confident branch is not enough
        List<AlphaSnapshot> mixed = new ArrayList<>(history(settled, 0.2f));
        mixed.set(3, new AlphaSnapshot(3, CANDIDATES, new float[][] {row(1, 0.2f)}, new float[][] {row(1, 0.01f)}));
        assertThat(new SettlingRule(2, 0.05).reasonToStop(mixed)).isNull();
    }

    @Test
    void offNeverStops() {
        int[][] settled = {{1, 1}, {1, 1}, {1, 1}, {1, 1}};
        assertThat(SettlingRule.OFF.enabled()).isFalse();
        assertThat(SettlingRule.OFF.reasonToStop(history(settled, 0.5f))).isNull();
    }

    @Test
    void rejectsNegativePatienceAndMarginsOutsideZeroToOne() {
        assertThatThrownBy(() -> new SettlingRule(-1, 0.01)).hasMessageContaining("--stop-when-settled");
        assertThatThrownBy(() -> new SettlingRule(3, 1.0)).hasMessageContaining("--settled-margin");
        assertThatThrownBy(() -> new SettlingRule(3, Double.NaN)).hasMessageContaining("--settled-margin");
    }

    @Test
    void layoutIsThePerBlockArgmaxMappedToCandidateLengthsFirstOnTies() {
        AlphaSnapshot s = new AlphaSnapshot(1, List.of(0, 2, 4), new float[][] {{0.1f, 0.6f, 0.3f}, {0.4f, 0.2f, 0.4f}},
                new float[][] {{0.2f, 0.2f, 0.6f}});
        assertThat(s.layout().text()).containsExactly(2, 0);
        assertThat(s.layout().image()).containsExactly(4);
    }
}
