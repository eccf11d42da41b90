/**
 * A self-contained HTML report of run directories ({@code dpl4j report DIR... -o report.html}):
 * one file with inline CSS and charts embedded as PNG data URIs, so it can be opened, mailed or
 * attached anywhere without the machine that ran the search.
 *
 * <ul>
 *   <li>{@link org.dpl4j.report.RunDataReader} finds run directories (folders holding
 *       {@code run.json} or {@code results.json}) and parses them leniently into
 *       {@link org.dpl4j.report.RunData}: missing files leave parts empty, malformed ones become
 *       listed problems, and only "nothing to report" is an error.</li>
 *   <li>{@link org.dpl4j.report.AlphaStats} defines the search-confidence numbers (top-two margin,
 *       dominant blocks, argmax stable since) — the paper plots "# Dominants" and "α Difference"
 *       without defining them, so these are this project's definitions.</li>
 *   <li>{@code AlphaHeatMaps} (Java2D) and {@code Charts} (XChart) draw off-screen, headless;
 *       {@code ResultsGrid} makes the dataset × method grids (mean ± CI over seeds,
 *       {@link org.dpl4j.util.MeanCi}, as CoOp's parse script); {@code RunSection} lays out one
 *       run; {@code HtmlPage} escapes every text; {@link org.dpl4j.report.ReportWriter} ties them
 *       together and writes atomically.</li>
 * </ul>
 *
 * <p>{@code scripts/check-report.sh REPORT.html OUT.png} renders a report in headless Chromium,
 * to check by eye (or by test) that a browser paints it.
 */
package org.dpl4j.report;
