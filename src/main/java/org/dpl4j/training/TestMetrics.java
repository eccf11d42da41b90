package org.dpl4j.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A finished train or zero-shot run's {@code metrics.json}: accuracy on the test split, and under
 * base-to-new also on the new classes' test split ({@code "new"}) with the harmonic mean of both.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TestMetrics(EvalResult test, @JsonProperty("new") EvalResult newClasses, Double harmonicMean) {

    public static TestMetrics of(EvalResult test) {
        return new TestMetrics(test, null, null);
    }

    public static TestMetrics baseToNew(EvalResult base, EvalResult newClasses) {
        return new TestMetrics(base, newClasses, EvalResult.harmonicMean(base.top1(), newClasses.top1()));
    }
}
