package org.dpl4j.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.prompts.PromptConfig;

/**
 * DPL's search space: in every block of both branches, candidate prompts of lengths
 * {@code c_0 = 0 < c_1 < ... < c_K}, each an independent tensor, mixed with
 * {@code softmax(alpha[branch][layer])}. Architecture weights (alphas) and prompts are kept
 * apart because the bilevel loop updates them with different data and optimisers.
 */
public final class Supernet implements AutoCloseable {
    private final List<Integer> candidates;
    private final NDManager manager;
    private final Map<Branch, NDArray> alphas = new LinkedHashMap<>();
    /** [branch][layer][k-1] for k = 1..K. */
    private final Map<Branch, List<List<NDArray>>> prompts = new LinkedHashMap<>();

    private Supernet(List<Integer> candidates, NDManager manager) {
        if (candidates.isEmpty() || candidates.get(0) != 0) {
            throw new IllegalArgumentException("candidate lengths must start with 0 (no prompt), got " + candidates);
        }
        for (int i = 1; i < candidates.size(); i++) {
            if (candidates.get(i) <= candidates.get(i - 1)) {
                throw new IllegalArgumentException("candidate lengths must be strictly increasing, got " + candidates);
            }
        }
        this.candidates = List.copyOf(candidates);
        this.manager = manager;
    }

    /**
     * Initialises as the reference code: alphas {@code 1e-3·N(0,1)}, text prompts U[0,1),
     * image prompts N(0,1); seeded.
     */
    public static Supernet init(ClipConfig clip, List<Integer> candidates, NDManager parent, long seed) {
        Supernet s = new Supernet(candidates, parent.newSubManager());
        Random rng = new Random(seed);
        for (Branch b : Branch.values()) {
            int layers = clip.layers(b);
            float[] a = new float[layers * candidates.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (1e-3 * rng.nextGaussian());
            }
            s.alphas.put(b, s.param(a, new Shape(layers, candidates.size())));
            List<List<NDArray>> perLayer = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                List<NDArray> cands = new ArrayList<>();
                for (int k = 1; k < candidates.size(); k++) {
                    float[] v = new float[candidates.get(k) * clip.width(b)];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = b == Branch.TEXT ? rng.nextFloat() : (float) rng.nextGaussian();
                    }
                    cands.add(s.param(v, new Shape(candidates.get(k), clip.width(b))));
                }
                perLayer.add(cands);
            }
            s.prompts.put(b, perLayer);
        }
        return s;
    }

    /** A supernet with given values, named as in golden/supernet.safetensors. */
    public static Supernet of(Map<String, NDArray> tensors, ClipConfig clip, List<Integer> candidates, NDManager parent) {
        Supernet s = new Supernet(candidates, parent.newSubManager());
        for (Branch b : Branch.values()) {
            s.alphas.put(b, s.param(require(tensors, alphaName(b)).toFloatArray(), new Shape(clip.layers(b), candidates.size())));
            List<List<NDArray>> perLayer = new ArrayList<>();
            for (int l = 0; l < clip.layers(b); l++) {
                List<NDArray> cands = new ArrayList<>();
                for (int k = 1; k < candidates.size(); k++) {
                    NDArray t = require(tensors, candidateName(b, l, k));
                    cands.add(s.param(t.toFloatArray(), t.getShape()));
                }
                perLayer.add(cands);
            }
            s.prompts.put(b, perLayer);
        }
        return s;
    }

    private static NDArray require(Map<String, NDArray> t, String name) {
        NDArray a = t.get(name);
        if (a == null) {
            throw new IllegalArgumentException("missing supernet tensor " + name);
        }
        return a;
    }

    private NDArray param(float[] v, Shape shape) {
        NDArray a = manager.create(v, shape);
        a.setRequiresGradient(true);
        return a;
    }

    public static String alphaName(Branch b) {
        return "alphas." + b.key();
    }

    public static String candidateName(Branch b, int layer, int k) {
        return "candidate." + b.key() + "." + layer + "." + k;
    }

    public List<Integer> candidates() {
        return candidates;
    }

    public NDArray alphas(Branch b) {
        return alphas.get(b);
    }

    public List<NDArray> candidatePrompts(Branch b, int layer) {
        return prompts.get(b).get(layer);
    }

    /** Architecture parameters (updated on val batches). */
    public Map<String, NDArray> alphaParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Branch b : Branch.values()) {
            out.put(alphaName(b), alphas.get(b));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Candidate prompts (updated on train batches). */
    public Map<String, NDArray> promptParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Branch b : Branch.values()) {
            List<List<NDArray>> perLayer = prompts.get(b);
            for (int l = 0; l < perLayer.size(); l++) {
                for (int k = 1; k < candidates.size(); k++) {
                    out.put(candidateName(b, l, k), perLayer.get(l).get(k - 1));
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public BlockAttention attention(Branch b, AttentionMode mode) {
        return mode == AttentionMode.FUSED ? new MixtureAttention(this, b) : new NaiveMixtureAttention(this, b);
    }

    /** softmax(alpha) per block as a Java array [layer][candidate]. */
    public float[][] weights(Branch b) {
        NDArray w = alphas.get(b).softmax(1);
        float[] flat = w.toFloatArray();
        w.close();
        int k = candidates.size();
        float[][] out = new float[flat.length / k][k];
        for (int l = 0; l < out.length; l++) {
            System.arraycopy(flat, l * k, out[l], 0, k);
        }
        return out;
    }

    /** The discrete configuration: per block, the length of the argmax candidate. */
    public PromptConfig derive() {
        return AlphaSnapshot.of(0, this).layout();
    }

    @Override
    public void close() {
        manager.close();
    }
}
