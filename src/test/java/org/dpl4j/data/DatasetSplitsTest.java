package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetSplitsTest {

    @Test
    void rejectsLabelsOutOfRangeAndNamesThatDisagree() {
        Sample bad = new Sample(Path.of("/x/1.jpg"), 2, "c");
        assertThatThrownBy(() -> new DatasetSplits("D", List.of("a", "b"), List.of(bad), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/x/1.jpg");
        Sample wrongName = new Sample(Path.of("/x/2.jpg"), 1, "a");
        assertThatThrownBy(() -> new DatasetSplits("D", List.of("a", "b"), List.of(), List.of(), List.of(wrongName)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'").hasMessageContaining("'b'");
        assertThatThrownBy(() -> new Sample(Path.of("/x"), -1, "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void helpers() {
        DatasetSplits d = Fixtures.synthetic(3, 2);
        assertThat(d.numClasses()).isEqualTo(3);
        assertThat(d.split("VAL")).isSameAs(d.val());
        assertThat(d.classCounts(d.train())).containsExactly(2, 2, 2);
        assertThat(d.summary()).isEqualTo("Synthetic: 3 classes, train 6 / val 6 / test 6");
        assertThatThrownBy(() -> d.train().add(d.test().get(0))).isInstanceOf(UnsupportedOperationException.class);
    }
}
