package org.dpl4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.dpl4j.report.RunData.ResultRow;
import org.junit.jupiter.api.Test;

class ResultsGridTest {
    @Test
    void ciUsesPopulationStdLikeCoOpsParseScript() {
        // {70, 71, 75}: mean 72, population variance (4 + 1 + 9)/3 = 14/3, σ = 2.1602,
        // CI = 1.96·2.160247/√3 = 2.444550 (the sample σ would give 2.994)
        ResultsGrid.Summary s = ResultsGrid.summarize(List.of("1", "2", "3"), List.of(70.0, 71.0, 75.0));
        assertThat(s.mean()).isCloseTo(72.0, within(1e-12));
        assertThat(s.ci95()).isCloseTo(2.444550, within(1e-6));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.format()).isEqualTo("72.00 ± 2.44");
    }

    @Test
    void oneSeedHasZeroWidthAndNonFiniteValuesAreLeftOut() {
        ResultsGrid.Summary s = ResultsGrid.summarize(List.of("1", "2"), List.of(Double.NaN, 66.5));
        assertThat(s.n()).isEqualTo(1);
        assertThat(s.seeds()).containsExactly("2");
        assertThat(s.format()).isEqualTo("66.50 ± 0.00");
        assertThat(ResultsGrid.summarize(List.of("1"), List.of(Double.NaN)).format()).isEqualTo("—");
    }

    @Test
    void gridBoldsTheBestPerDatasetAndAveragesCompleteMethodsOnly() {
        List<ResultRow> rows = List.of(
                new ResultRow("A", "dpl", "1", 80.0), new ResultRow("A", "dpl", "2", 82.0),
                new ResultRow("A", "coop", "1", 85.0),
                new ResultRow("B", "dpl", "1", 60.0),
                new ResultRow("B", "coop", "1", 50.0),
                new ResultRow("B", "extra", "1", 99.0));
        ResultsGrid t = ResultsGrid.of(rows);
        assertThat(t.datasets()).containsExactly("A", "B");
        assertThat(t.methods()).containsExactly("dpl", "coop", "extra");
        assertThat(t.averages()).containsEntry("dpl", 70.5).containsEntry("coop", 67.5);
        assertThat(t.averages().get("extra")).isNaN(); // missing on A: no average
        String html = t.toHtml().html();
        assertThat(html).contains("<b>85.00 ± 0.00</b>", "<b>99.00 ± 0.00</b>", "<b>70.50</b>", ">67.50<", ">—<");
        assertThat(html).contains("81.00 ± 1.39").doesNotContain("<b>81.00");
        assertThat(html).contains("title=\"seed 1, 2: 80.00, 82.00\"");
    }

    @Test
    void namesAreEscaped() {
        String html = ResultsGrid.of(List.of(new ResultRow("<A&B>", "m\"1", null, 1.0))).toHtml().html();
        assertThat(html).contains("&lt;A&amp;B&gt;", "m&quot;1", "seed ?: 1.00").doesNotContain("<A&B>");
    }
}
