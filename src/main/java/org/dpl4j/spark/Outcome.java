package org.dpl4j.spark;

import java.io.Serializable;
import org.dpl4j.protocol.Pipeline;
import org.dpl4j.protocol.ResultsTable;

/**
 * What a unit's task reports to the driver.
 *
 * @param top1 the test top-1 accuracy, the results table's value (baseline and DPL units), else null
 * @param searched the configuration found, as prompt-config.json holds it (search units), else null
 * @param attempt Spark's attempt number of the task that finished (0 = first)
 * @param resumed whether that attempt resumed from a checkpoint an earlier one left
 * @param executor the executor that ran it
 * @param seconds the wall time inside the task (waiting for the run's lock and for the executor's other unit included)
 * @param jobSeconds the wall time of the unit's Spark job on the driver: queueing for a task slot, all attempts
 *     (NaN until the driver sets it)
 */
public record Outcome(Pipeline.Unit unit, Double top1, String searched, int attempt, boolean resumed, String executor,
        double seconds, double jobSeconds) implements Serializable {

    Outcome withJobSeconds(double s) {
        return new Outcome(unit, top1, searched, attempt, resumed, executor, seconds, s);
    }

    /** The unit's row of the results table, or null for a search. */
    public ResultsTable.Row row() {
        return top1 == null ? null : new ResultsTable.Row(unit.dataset(), unit.method(), unit.seed(), top1);
    }
}
