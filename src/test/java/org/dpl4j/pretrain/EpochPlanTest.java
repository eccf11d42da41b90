package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planning epochs from a time budget, and the command's one-line errors. */
class EpochPlanTest {
    @TempDir
    Path tmp;

    @Test
    void plansWholeEpochsInNinetyPercentOfTheBudget() {
        // 76 steps of 2 s + 3 s overhead = 155 s per epoch; 0.9 · 4500 s = 4050 s → 26 epochs
        EpochPlan p = new EpochPlan(4500, 2.0, 76, 3);
        assertThat(p.secondsPerEpoch()).isEqualTo(155.0);
        assertThat(p.epochs()).isEqualTo(26);
        assertThat(new EpochPlan(10, 2.0, 76, 3).epochs()).isEqualTo(1);
        assertThatThrownBy(() -> new EpochPlan(100, 0, 76, 3)).hasMessageContaining("0.0 s/step");
    }

    @Test
    void missingDatasetFolderIsOneLineNamingIt() {
        StringWriter err = new StringWriter();
        Path missing = tmp.resolve("nowhere");
        int code = PretrainMain.run(new PrintWriter(err, true), "--out", tmp.resolve("run").toString(), "--shared",
                missing.toString(), "--epochs", "1");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("dpl4j pretrain: error: ").contains(missing.toString());
    }
}
