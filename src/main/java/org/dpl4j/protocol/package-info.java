/**
 * The experimental protocol on top of the stages: {@link org.dpl4j.protocol.Pipeline} runs search,
 * train and evaluation for every dataset and seed next to zero-shot CLIP and the baseline presets,
 * and {@link org.dpl4j.protocol.ResultsTable} summarises the test accuracies over seeds. It sits
 * above {@code search} and {@code training}, which only use the run-directory primitives of
 * {@code org.dpl4j.run}; nothing but the CLI depends on it.
 */
package org.dpl4j.protocol;
