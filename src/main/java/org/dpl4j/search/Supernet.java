package org.dpl4j.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * DPL's search space: in every block of both branches, candidate prompts of lengths
 * {@code c_0 = 0 < c_1 < ... < c_K}, each an independent tensor, mixed with
 * {@code softmax(alpha[branch][layer])}. Architecture weights (alphas) and prompts are kept
 * apart because the bilevel loop updates them with different data and optimisers.
 */
public final class Supernet implements SearchSpace {
    public static final String METHOD = "dpl";
    private final List<Integer> candidates;
    private final Owned owned = new Owned();
    /** Where the alphas and prompts live (null: the CPU). */
    private final Device device;
    private final Map<Branch, Tensor> alphas = new LinkedHashMap<>();
    /** [branch][layer][k-1] for k = 1..K. */
    private final Map<Branch, List<List<Tensor>>> prompts = new LinkedHashMap<>();

    private Supernet(List<Integer> candidates, Device device) {
        if (candidates.isEmpty() || candidates.get(0) != 0) {
            throw new IllegalArgumentException("candidate lengths must start with 0 (no prompt), got " + candidates);
        }
        for (int i = 1; i < candidates.size(); i++) {
            if (candidates.get(i) <= candidates.get(i - 1)) {
                throw new IllegalArgumentException("candidate lengths must be strictly increasing, got " + candidates);
            }
        }
        this.candidates = List.copyOf(candidates);
        this.device = device;
    }

    /**
     * Initialises as the reference code: alphas {@code 1e-3·N(0,1)}, text prompts U[0,1),
     * image prompts N(0,1); seeded; on {@code clip}'s device.
     */
    public static Supernet init(ClipModel clip, List<Integer> candidates, long seed) {
        return init(clip.config(), candidates, clip.device(), seed);
    }

    /** As {@link #init(ClipModel, List, long)}, on the CPU. */
    public static Supernet init(ClipConfig clip, List<Integer> candidates, long seed) {
        return init(clip, candidates, null, seed);
    }

    /** As {@link #init(ClipModel, List, long)}, on {@code device} (null: the CPU). */
    public static Supernet init(ClipConfig clip, List<Integer> candidates, Device device, long seed) {
        Supernet s = new Supernet(candidates, device);
        Random rng = new Random(seed);
        for (Branch b : Branch.values()) {
            int layers = clip.layers(b);
            float[] a = new float[layers * candidates.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (1e-3 * rng.nextGaussian());
            }
            s.alphas.put(b, s.param(a, new Shape(layers, candidates.size())));
            List<List<Tensor>> perLayer = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                List<Tensor> cands = new ArrayList<>();
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

    /** A supernet with given values (copied), named as in golden/supernet.safetensors, on {@code clip}'s device. */
    public static Supernet of(Map<String, Tensor> tensors, ClipModel clip, List<Integer> candidates) {
        return of(tensors, clip.config(), candidates, clip.device());
    }

    /** As {@link #of(Map, ClipModel, List)}, on the CPU. */
    public static Supernet of(Map<String, Tensor> tensors, ClipConfig clip, List<Integer> candidates) {
        return of(tensors, clip, candidates, null);
    }

    /** As {@link #of(Map, ClipModel, List)}, on {@code device} (null: the CPU). */
    public static Supernet of(Map<String, Tensor> tensors, ClipConfig clip, List<Integer> candidates, Device device) {
        Supernet s = new Supernet(candidates, device);
        for (Branch b : Branch.values()) {
            s.alphas.put(b, s.param(Tensors.toFloats(require(tensors, alphaName(b))), new Shape(clip.layers(b), candidates.size())));
            List<List<Tensor>> perLayer = new ArrayList<>();
            for (int l = 0; l < clip.layers(b); l++) {
                List<Tensor> cands = new ArrayList<>();
                for (int k = 1; k < candidates.size(); k++) {
                    Tensor t = require(tensors, candidateName(b, l, k));
                    cands.add(s.param(Tensors.toFloats(t), Shape.of(t)));
                }
                perLayer.add(cands);
            }
            s.prompts.put(b, perLayer);
        }
        return s;
    }

    private static Tensor require(Map<String, Tensor> t, String name) {
        Tensor a = t.get(name);
        if (a == null) {
            throw new IllegalArgumentException("missing supernet tensor " + name);
        }
        return a;
    }

    private Tensor param(float[] v, Shape shape) {
        return owned.own(Tensors.floats(v, device, shape.dims()).set_requires_grad(true));
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
    public Tensor textFeatures(ClipModel clip, ClassTexts texts, AttentionMode mode) {
        return clip.text().encodeEmbeddings(texts.embeddings(), texts.eot(), attention(Branch.TEXT, mode), true);
    }

    @Override
    public Tensor imageFeatures(ClipModel clip, Tensor images, AttentionMode mode) {
        return clip.image().encode(images, attention(Branch.IMAGE, mode));
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
        return candidates;
    }

    public Tensor alphas(Branch b) {
        return alphas.get(b);
    }

    public List<Tensor> candidatePrompts(Branch b, int layer) {
        return prompts.get(b).get(layer);
    }

    /** Architecture parameters (updated on val batches). */
    @Override
    public Map<String, Tensor> alphaParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Branch b : Branch.values()) {
            out.put(alphaName(b), alphas.get(b));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Candidate prompts (updated on train batches). */
    @Override
    public Map<String, Tensor> promptParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Branch b : Branch.values()) {
            List<List<Tensor>> perLayer = prompts.get(b);
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
        float[] flat;
        try (Scope s = Scope.open(); NoGrad g = NoGrad.open()) {
            flat = Tensors.toFloats(alphas.get(b).softmax(1));
        }
        int k = candidates.size();
        float[][] out = new float[flat.length / k][k];
        for (int l = 0; l < out.length; l++) {
            System.arraycopy(flat, l * k, out[l], 0, k);
        }
        return out;
    }

    /** The discrete configuration: per block, the length of the argmax candidate. */
    @Override
    public PromptConfig derive() {
        return AlphaSnapshot.of(0, this).layout();
    }

    @Override
    public void close() {
        owned.close();
    }
}
