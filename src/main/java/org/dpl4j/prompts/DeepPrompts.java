package org.dpl4j.prompts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.Safetensors;

/**
 * The trainable prompts of a {@link PromptConfig}: one (n_l × W) tensor per block with n_l > 0,
 * named {@code prompt.{text|image}.{layer}}. They live in a manager of their own so training
 * steps can run in short-lived scopes.
 */
public final class DeepPrompts implements PromptLearner {
    private final PromptConfig config;
    private final NDManager manager;
    private final Map<Branch, List<NDArray>> prompts = new LinkedHashMap<>();
    /** CoOp's learned input context (n × text width), or null. */
    private NDArray context;
    public static final String CONTEXT = "context";

    private DeepPrompts(PromptConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
    }

    /** Fresh prompts drawn from N(0, std²) with a seeded generator (std 0.02 in DPL's train stage). */
    public static DeepPrompts init(PromptConfig config, ClipConfig clip, NDManager parent, float std, long seed) {
        config.checkFits(clip);
        DeepPrompts p = new DeepPrompts(config, parent.newSubManager());
        java.util.Random rng = new java.util.Random(seed);
        for (Branch b : Branch.values()) {
            List<NDArray> list = new ArrayList<>();
            for (int n : config.lengths(b)) {
                float[] v = new float[n * clip.width(b)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextGaussian() * std);
                }
                list.add(n == 0 ? null : p.param(v, new Shape(n, clip.width(b))));
            }
            p.prompts.put(b, list);
        }
        if (config.context() > 0) {
            float[] v = new float[config.context() * clip.textWidth()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextGaussian() * std);
            }
            p.context = p.param(v, new Shape(config.context(), clip.textWidth()));
        }
        return p;
    }

    /** Prompts given explicitly by name ({@code prompt.{branch}.{layer}}); missing names mean length 0. */
    public static DeepPrompts of(Map<String, NDArray> tensors, ClipConfig clip, NDManager parent) {
        Map<Branch, List<Integer>> lengths = new LinkedHashMap<>();
        for (Branch b : Branch.values()) {
            List<Integer> l = new ArrayList<>();
            for (int layer = 0; layer < clip.layers(b); layer++) {
                NDArray t = tensors.get(name(b, layer));
                if (t != null && (t.getShape().dimension() != 2 || t.getShape().get(1) != clip.width(b))) {
                    throw new IllegalArgumentException("prompt " + name(b, layer) + " has shape " + t.getShape()
                            + ", expected (n, " + clip.width(b) + ")");
                }
                l.add(t == null ? 0 : (int) t.getShape().get(0));
            }
            lengths.put(b, l);
        }
        NDArray ctx = tensors.get(CONTEXT);
        DeepPrompts p = new DeepPrompts(new PromptConfig(lengths.get(Branch.TEXT), lengths.get(Branch.IMAGE),
                ctx == null ? 0 : (int) ctx.getShape().get(0)), parent.newSubManager());
        if (ctx != null) {
            p.context = p.param(ctx.toType(DataType.FLOAT32, true).toFloatArray(), ctx.getShape());
        }
        for (Branch b : Branch.values()) {
            List<NDArray> list = new ArrayList<>();
            for (int layer = 0; layer < clip.layers(b); layer++) {
                NDArray t = lengths.get(b).get(layer) == 0 ? null : tensors.get(name(b, layer));
                list.add(t == null ? null : p.param(t.toType(DataType.FLOAT32, true).toFloatArray(), t.getShape()));
            }
            p.prompts.put(b, list);
        }
        return p;
    }

    public static DeepPrompts load(Path file, ClipConfig clip, NDManager parent) throws IOException {
        try (NDManager tmp = parent.newSubManager()) {
            return of(Safetensors.read(file, tmp), clip, parent);
        }
    }

    private NDArray param(float[] values, Shape shape) {
        NDArray a = manager.create(values, shape);
        a.setRequiresGradient(true);
        return a;
    }

    public static String name(Branch b, int layer) {
        return "prompt." + b.key() + "." + layer;
    }

    public PromptConfig config() {
        return config;
    }

    /** The learned input context (CoOp), or null. */
    public NDArray context() {
        return context;
    }

    /** The prompt of a block, or null when its length is 0. */
    public NDArray get(Branch b, int layer) {
        return prompts.get(b).get(layer);
    }

    /** All trainable tensors by name, in a stable order. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (context != null) {
            out.put(CONTEXT, context);
        }
        for (Branch b : Branch.values()) {
            List<NDArray> list = prompts.get(b);
            for (int l = 0; l < list.size(); l++) {
                if (list.get(l) != null) {
                    out.put(name(b, l), list.get(l));
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The block attention of one branch: prompts as extra keys/values where n_l > 0. */
    public BlockAttention attention(Branch b) {
        return new PromptedAttention(prompts.get(b));
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates, NDManager m) {
        return ClassTexts.build(clip, classNames, templates, config.context(), m);
    }

    @Override
    public NDArray logits(ClipModel clip, NDManager scope, NDArray images, ClassTexts texts) {
        NDArray img = clip.image().encode(images, attention(Branch.IMAGE));
        NDArray txt = clip.text().encodeEmbeddings(scope, texts.input(scope, context), texts.eot(), attention(Branch.TEXT), true);
        return clip.logits(img, txt);
    }

    @Override
    public Scorer freeze(ClipModel clip, ClassTexts texts, NDManager m) {
        BlockAttention image = attention(Branch.IMAGE);
        return Scorer.fixedText(clip, textFeatures(clip, texts, m), images -> clip.image().encode(images, image));
    }

    /**
     * The L2-normalised class text features (C, E) of the prompted text encoder with the current
     * values, outside autograd, in {@code m}: the constants an exported bundle stores.
     */
    public NDArray textFeatures(ClipModel clip, ClassTexts texts, NDManager m) {
        NDArray t = clip.text().encodeEmbeddings(m, texts.input(m, context), texts.eot(), attention(Branch.TEXT), true);
        return ClipModel.normalize(t).stopGradient();
    }

    @Override
    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("lengths_text", config.text().toString());
        meta.put("lengths_image", config.image().toString());
        meta.put("context", Integer.toString(config.context()));
        Safetensors.write(file, parameters(), meta);
    }

    @Override
    public void close() {
        manager.close();
    }
}
