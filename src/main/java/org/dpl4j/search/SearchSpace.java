package org.dpl4j.search;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.PromptConfig;

/**
 * What {@link BilevelSearch} searches (docs/design.md §5): architecture weights (alphas, updated on val
 * batches), candidate prompts (updated on train batches), the features of both towers under the current
 * mixture weights, and how a snapshot of the weights becomes a prompt configuration. DPL's key/value
 * supernet ({@link Supernet}) and the token-replacement supernet of MaPLe and PromptSRC ({@link StreamSupernet}) implement it; a
 * further method is searched by implementing it, with the same bilevel step, loop, logs and resume.
 *
 * <p>Tensors it returns are made in the caller's current scope; its parameters are its own ({@link #close()}).
 */
public interface SearchSpace extends AutoCloseable {

    /** The method whose layout this space searches ({@code dpl}, {@code maple}): what {@code train} trains with the result. */
    String method();

    /** Candidate lengths per block, {@code 0 = c_0 < c_1 < … < c_K}. */
    List<Integer> candidates();

    /** Architecture parameters (updated on val batches), by checkpoint name. */
    Map<String, Tensor> alphaParameters();

    /** Candidate prompts and whatever else the method learns (updated on train batches), by checkpoint name. */
    Map<String, Tensor> promptParameters();

    /** The frozen text input of the classes ({@code template}: the search's text input). */
    ClassTexts texts(ClipModel clip, List<String> classNames, String template);

    /** Text features (C, E) under the current mixture weights, recorded by autograd. */
    Tensor textFeatures(ClipModel clip, ClassTexts texts);

    /** Image features (B, E) of images (B, 3, R, R) under the current mixture weights, recorded by autograd. */
    Tensor imageFeatures(ClipModel clip, Tensor images);

    /** softmax(alpha) now, as one line of alphas.jsonl for {@code epoch} (0 = the initialisation). */
    AlphaSnapshot snapshot(int epoch);

    /** The discrete configuration a snapshot's weights derive (per block the argmax candidate, ties: the first). */
    PromptConfig layout(AlphaSnapshot snapshot);

    /** The configuration the current weights derive. */
    default PromptConfig derive() {
        return layout(snapshot(0));
    }

    @Override
    void close();
}
