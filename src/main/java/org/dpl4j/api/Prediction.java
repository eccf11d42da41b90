package org.dpl4j.api;

/**
 * One class of a top-k answer: its name, its index in {@link Classifier#labels()}, and its softmax
 * probability over all classes.
 */
public record Prediction(String label, int index, float probability) {}
