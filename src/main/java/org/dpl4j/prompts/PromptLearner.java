package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.Tensors;

/**
 * A prompt-learning method on a frozen CLIP: its learnable tensors and how they turn images and
 * class texts into logits. DPL's layouts and the key/value presets are {@link DeepPrompts}; the
 * methods whose prompts cannot be written as per-block keys/values have classes of their own:
 * {@link CoCoOp} (prompts conditioned on each image) and {@link StreamPrompts} (prompts replacing
 * tokens of the residual stream block by block: MaPLe, IVLP, deep VPT, PromptSRC). Training, checkpoints and
 * evaluation only see this interface.
 *
 * <p>Tensors a method returns are made in the caller's current {@link org.dpl4j.tensor.Scope};
 * its parameters are its own (closed by {@link #close()}).
 */
public interface PromptLearner extends AutoCloseable {

    /** The learnable tensors by name, in a stable order (checkpoints and optimiser state use these names). */
    Map<String, Tensor> parameters();

    /** The frozen text input this method reads for {@code classNames} ({@code templates}: the run's text input). */
    ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates);

    /** Logits (B, C) of images (B, 3, R, R) against {@code texts}, recorded by autograd. */
    Tensor logits(ClipModel clip, Tensor images, ClassTexts texts);

    /**
     * A scorer for evaluation with the current values: whatever does not depend on the image
     * (the class text features, where the method allows) is computed once, in the caller's scope,
     * without autograd.
     */
    Scorer freeze(ClipModel clip, ClassTexts texts);

    /**
     * The two towers apart, for a method whose class text features do not depend on the image: then
     * {@link #logits} is {@code clip.logits(image features, text features)}, a training step may run the
     * classes through the text encoder in chunks ({@code training.TextPass}, docs/design.md §6.11), and
     * objectives that regularise the features (PromptSRC's) read them here. Empty where the text reads the
     * image (CoCoOp).
     */
    default Optional<Towers> towers(ClipModel clip) {
        return Optional.empty();
    }

    /**
     * A method's image and class text features before normalisation, each recorded by autograd, in the
     * caller's scope.
     *
     * @param image images (B, 3, R, R) to image features (B, E)
     * @param text the classes of a {@link ClassTexts} to their features (C, E), every class encoded on its own
     *     (so that a {@link ClassTexts#select selection}'s features are its rows of the whole set's)
     */
    record Towers(UnaryOperator<Tensor> image, Function<ClassTexts, Tensor> text) {}

    void save(Path file) throws IOException;

    /**
     * This learner's frozen text side, when its class text features do not depend on the image:
     * then a finished run computes them once and stores them beside the prompts, eval, predict and
     * the API read them back instead of encoding the texts, and the run can be exported as a
     * bundle. Empty for learners whose text side reads the image (CoCoOp) and for those that do
     * not offer it (the stream methods, whose runs simply encode their texts when evaluated).
     */
    default Optional<FrozenText> frozenText() {
        return Optional.empty();
    }

    /**
     * A learner whose class text features are constants once it is trained. Its prompts are a
     * key/value layout ({@link #config}) whose image prompts are its parameters named
     * {@code prompt.image.<layer>}: that is what a bundle stores and rebuilds as {@link DeepPrompts}.
     */
    interface FrozenText {
        /** The layout of its prompts. */
        PromptConfig config();

        /**
         * The L2-normalised class text features (C, E) of the prompted text encoder with the
         * current values, outside autograd, in the caller's scope.
         */
        Tensor textFeatures(ClipModel clip, ClassTexts texts);

        /** The prompted image encoder (images (B, 3, R, R) → features (B, E)), set up once for many batches. */
        UnaryOperator<Tensor> imageEncoder(ClipModel clip);
    }

    /** Learned scalars: the total size of {@link #parameters()}. */
    default long trainableParameters() {
        return parameters().values().stream().mapToLong(Tensor::numel).sum();
    }

    @Override
    void close();

    /** Logits (B, C) of a batch of images, in the caller's scope. Callers run it under a {@code NoGrad}. */
    @FunctionalInterface
    interface Scorer {
        Tensor logits(Tensor images);

        /**
         * Scores against class text features computed once: {@code exp(logit_scale)·cos} of the
         * image features {@code image} gives and {@code textFeatures} (C, E), kept out of autograd.
         */
        static Scorer fixedText(ClipModel clip, Tensor textFeatures, UnaryOperator<Tensor> image) {
            Tensor textT = Tensors.mul(ClipModel.normalize(Tensors.fp32(textFeatures)).t(),
                    clip.scale()).detach();
            return images -> ClipModel.normalize(Tensors.fp32(image.apply(images))).matmul(textT);
        }
    }
}
