package org.dpl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClassSubsetTest {

    @Test
    void baseIsTheFirstCeilHalfAndNewTheRestRelabelledFromZero() {
        DatasetSplits d = Fixtures.synthetic(5, 2);
        DatasetSplits base = ClassSubset.subsample(d, "base");
        DatasetSplits fresh = ClassSubset.subsample(d, "NEW");
        assertThat(base.classNames()).containsExactly("class 0", "class 1", "class 2");
        assertThat(fresh.classNames()).containsExactly("class 3", "class 4");
        assertThat(base.train()).hasSize(6);
        assertThat(fresh.test()).hasSize(4);
        assertThat(fresh.train()).extracting(Sample::label).containsExactly(0, 0, 1, 1);
        assertThat(fresh.train()).extracting(Sample::className)
                .containsExactly("class 3", "class 3", "class 4", "class 4");
        assertThat(fresh.val().get(0).path()).isEqualTo(d.val().get(6).path());
        assertThat(base.name()).isEqualTo(d.name());
    }

    @Test
    void evenClassCountSplitsInHalves() {
        DatasetSplits d = Fixtures.synthetic(4, 1);
        assertThat(ClassSubset.subsample(d, "base").numClasses()).isEqualTo(2);
        assertThat(ClassSubset.subsample(d, "new").numClasses()).isEqualTo(2);
    }

    @Test
    void allIsUnchangedAndUnknownIsAnError() {
        DatasetSplits d = Fixtures.synthetic(3, 1);
        assertThat(ClassSubset.subsample(d, "all")).isSameAs(d);
        assertThatThrownBy(() -> ClassSubset.subsample(d, "novel"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'novel'");
    }
}
