package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dpl4j.report.RunData.AlphaSnapshot;
import org.junit.jupiter.api.Test;

class RunSectionTest {
    private static List<AlphaSnapshot> snapshots(int n) {
        List<AlphaSnapshot> s = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            s.add(new AlphaSnapshot(e, List.of(0, 1), Map.of("text", new double[][] {{0.5, 0.5}})));
        }
        return s;
    }

    @Test
    void stripTakesInitialQuartersAndFinal() {
        // 81 snapshots (epochs 0..80, the reference code's search length)
        assertThat(RunSection.stripSnapshots(snapshots(81), 5)).extracting(AlphaSnapshot::epoch).containsExactly(0, 20, 40, 60, 80);
        // 6 snapshots: positions 0, 1.25, 2.5, 3.75, 5 round to 0, 1, 3, 4, 5
        assertThat(RunSection.stripSnapshots(snapshots(6), 5)).extracting(AlphaSnapshot::epoch).containsExactly(0, 1, 3, 4, 5);
        assertThat(RunSection.stripSnapshots(snapshots(3), 5)).hasSize(3);
    }

    @Test
    void durationsReadLikeAPersonWouldSayThem() {
        assertThat(RunSection.duration(42)).isEqualTo("42.0 s");
        assertThat(RunSection.duration(750)).isEqualTo("12.5 min");
        assertThat(RunSection.duration(16390.5)).isEqualTo("4.6 h");
    }
}
