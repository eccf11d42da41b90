/**
 * The protocol ({@link org.dpl4j.protocol.Pipeline}'s units) as Apache Spark tasks, for clusters:
 * the driver ({@link org.dpl4j.spark.SparkPipeline}) submits every unit as a one-task job once the
 * unit it depends on has finished (a DPL train needs its search's configuration), executors run
 * the unchanged job code in run directories on a filesystem all of them share
 * ({@link org.dpl4j.spark.SharedFolder}), and a failed task is retried by Spark and resumes from
 * its run directory's checkpoint. Spark is a provided dependency (pom.xml's {@code spark} profile);
 * nothing outside this package and the CLI's Spark entry point uses it.
 */
package org.dpl4j.spark;
