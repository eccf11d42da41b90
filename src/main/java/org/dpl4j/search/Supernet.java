package org.dpl4j.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.ParameterStore;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.tensor.Shape;

/**
 * DPL's search space: in every block of both branches, candidate prompts of lengths
 * {@code c_0 = 0 < c_1 < ... < c_K}, each an independent tensor, mixed with
 * {@code softmax(alpha[branch][layer])}. Architecture weights (alphas) and prompts are kept
 * apart because the bilevel loop updates them with different data and optimisers.
 */
public final class Supernet implements SearchSpace {
    public static final String METHOD = "dpl";
    private final Candidates candidates;
    private final AttentionMode mode;
    /** {@link #alphaName} per branch: (blocks × K+1). */
    private final ParameterStore alphas;
    /** {@link #candidateName} per branch, block and k = 1..K: (c_k × width). */
    private final ParameterStore prompts;

    private Supernet(List<Integer> candidates, Device device, AttentionMode mode) {
        this.candidates = new Candidates(candidates);
        this.mode = mode;
        this.alphas = new ParameterStore(device);
        this.prompts = new ParameterStore(device);
    }

    /**
     * Initialises as the reference code: alphas {@code 1e-3·N(0,1)}, text prompts U[0,1),
     * image prompts N(0,1); seeded; on {@code clip}'s device; fused attention.
     */
    public static Supernet init(ClipModel clip, List<Integer> candidates, long seed) {
        return init(clip.config(), candidates, clip.device(), seed, AttentionMode.FUSED);
    }

    /** As {@link #init(ClipModel, List, long)}, on the CPU. */
    public static Supernet init(ClipConfig clip, List<Integer> candidates, long seed) {
        return init(clip, candidates, null, seed, AttentionMode.FUSED);
    }

    /** As {@link #init(ClipModel, List, long)}, on {@code device} (null: the CPU), computing the mixtures the {@code mode} way. */
    public static Supernet init(ClipConfig clip, List<Integer> candidates, Device device, long seed, AttentionMode mode) {
        Supernet s = new Supernet(candidates, device, mode);
        try {
            Random rng = new Random(seed);
            for (Branch b : Branch.values()) {
                int layers = clip.layers(b);
                float[] a = new float[layers * candidates.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (1e-3 * rng.nextGaussian());
                }
                s.alphas.add(alphaName(b), a, new Shape(layers, candidates.size()));
                for (int l = 0; l < layers; l++) {
                    for (int k = 1; k < candidates.size(); k++) {
                        float[] v = new float[candidates.get(k) * clip.width(b)];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = b == Branch.TEXT ? rng.nextFloat() : (float) rng.nextGaussian();
                        }
                        s.prompts.add(candidateName(b, l, k), v, new Shape(candidates.get(k), clip.width(b)));
                    }
                }
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A supernet with given values (copied), named as in golden/supernet.safetensors, on {@code clip}'s device. */
    public static Supernet of(Map<String, Tensor> tensors, ClipModel clip, List<Integer> candidates) {
        return of(tensors, clip.config(), candidates, clip.device(), AttentionMode.FUSED);
    }

    /** As {@link #of(Map, ClipModel, List)}, on the CPU. */
    public static Supernet of(Map<String, Tensor> tensors, ClipConfig clip, List<Integer> candidates) {
        return of(tensors, clip, candidates, null, AttentionMode.FUSED);
    }

    /** As {@link #of(Map, ClipModel, List)}, on {@code device} (null: the CPU), computing the mixtures the {@code mode} way. */
    public static Supernet of(Map<String, Tensor> tensors, ClipConfig clip, List<Integer> candidates, Device device,
            AttentionMode mode) {
        Supernet s = new Supernet(candidates, device, mode);
        try {
            for (Branch b : Branch.values()) {
                s.alphas.copy(tensors, alphaName(b), new Shape(clip.layers(b), candidates.size()), "supernet");
                for (int l = 0; l < clip.layers(b); l++) {
                    for (int k = 1; k < candidates.size(); k++) {
                        s.prompts.copy(tensors, candidateName(b, l, k), new Shape(candidates.get(k), clip.width(b)), "supernet");
                    }
                }
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public static String alphaName(Branch b) {
        return "alphas." + b.key();
    }

    public static String candidateName(Branch b, int layer, int k) {
        return "candidate." + b.key() + "." + layer + "." + k;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, String template) {
        return ClassTexts.build(clip, classNames, List.of(template));
    }

    @Override
    public Tensor textFeatures(ClipModel clip, ClassTexts texts) {
        return clip.text().encodeEmbeddings(texts.embeddings(), texts.eot(), attention(Branch.TEXT), true);
    }

    @Override
    public Tensor imageFeatures(ClipModel clip, Tensor images) {
        return clip.image().encode(images, attention(Branch.IMAGE));
    }

    @Override
    public AlphaSnapshot snapshot(int epoch) {
        return AlphaSnapshot.of(epoch, this);
    }

    /** Per branch, the argmax lengths of that branch's weights. */
    @Override
    public PromptConfig layout(AlphaSnapshot snapshot) {
        return snapshot.layout();
    }

    @Override
    public List<Integer> candidates() {
        return candidates.lengths();
    }

    public Tensor alphas(Branch b) {
        return alphas.get(alphaName(b));
    }

    /** The candidate prompts k = 1..K of a block. */
    public List<Tensor> candidatePrompts(Branch b, int layer) {
        List<Tensor> out = new ArrayList<>();
        for (int k = 1; k < candidates.size(); k++) {
            out.add(prompts.get(candidateName(b, layer, k)));
        }
        return out;
    }

    /** Architecture parameters (updated on val batches). */
    @Override
    public Map<String, Tensor> alphaParameters() {
        return alphas.all();
    }

    /** Candidate prompts (updated on train batches). */
    @Override
    public Map<String, Tensor> promptParameters() {
        return prompts.all();
    }

    /** The block attention of one branch, computed as this supernet was built to ({@link AttentionMode}). */
    public BlockAttention attention(Branch b) {
        return mode == AttentionMode.FUSED ? new MixtureAttention(this, b) : new NaiveMixtureAttention(this, b);
    }

    /** softmax(alpha) per block as a Java array [layer][candidate]. */
    public float[][] weights(Branch b) {
        return candidates.softmaxRows(alphas(b));
    }

    @Override
    public void close() {
        alphas.close();
        prompts.close();
    }
}
