package org.dpl4j.training;

import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.prompts.ClassTexts;

/**
 * The class text side of a step: the classes' text input, how a subset of it becomes text features
 * (recorded by autograd), how many classes one pass through the text encoder may hold, and how many
 * such chunks keep their graph from the first pass. With {@code chunk} below the class count the step
 * encodes the classes in chunks and recomputes the forward of every chunk not kept for its backward
 * ({@link StepRunner#chunkedStep}, docs/design.md §6.11); otherwise it is the plain one-pass step.
 *
 * @param features text features (n, E) of the n classes of a {@link ClassTexts#select selection}, in its
 *     order; every class must be encoded independently of the others (true of every text encoder here)
 * @param keep chunks whose graph the first pass keeps (at least 1)
 */
public record TextPass(ClassTexts texts, Function<ClassTexts, Tensor> features, int chunk, int keep) {
    public TextPass {
        if (chunk < 1 || keep < 1) {
            throw new IllegalArgumentException("a text pass holds at least one class and keeps at least one chunk, got "
                    + chunk + " and " + keep);
        }
    }

    /** Chunks of at most {@code chunk} classes, one kept. */
    public TextPass(ClassTexts texts, Function<ClassTexts, Tensor> features, int chunk) {
        this(texts, features, chunk, 1);
    }

    /** As {@link TextChunks} plans it. */
    public TextPass(ClassTexts texts, Function<ClassTexts, Tensor> features, TextChunks.Plan plan) {
        this(texts, features, plan.chunk(), plan.keep());
    }

    /** All classes in one pass. */
    public static TextPass whole(ClassTexts texts, Function<ClassTexts, Tensor> features) {
        return new TextPass(texts, features, Math.max(1, texts.size()));
    }

    public int classes() {
        return texts.size();
    }

    /** Whether the classes take more than one pass (and so a recomputation). */
    public boolean chunked() {
        return chunk < classes();
    }
}
