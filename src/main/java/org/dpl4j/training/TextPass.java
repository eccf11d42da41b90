package org.dpl4j.training;

import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.prompts.ClassTexts;

/**
 * The class text side of a step: the classes' text input, how a subset of it becomes text features
 * (recorded by autograd), and how many classes one backward pass through the text encoder may hold.
 * With {@code chunk} below the class count the step encodes the classes in chunks and recomputes each
 * chunk's forward for its backward ({@link StepRunner#chunkedStep}, docs/design.md §6.11); otherwise it
 * is the plain one-pass step.
 *
 * @param features text features (n, E) of the n classes of a {@link ClassTexts#select selection}, in its
 *     order; every class must be encoded independently of the others (true of every text encoder here)
 */
public record TextPass(ClassTexts texts, Function<ClassTexts, Tensor> features, int chunk) {
    public TextPass {
        if (chunk < 1) {
            throw new IllegalArgumentException("the text chunk must hold at least one class, got " + chunk);
        }
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
