package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Owned;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;

/**
 * The trainable prompts of a {@link PromptConfig}: one (n_l × W) tensor per block with n_l > 0,
 * named {@code prompt.{text|image}.{layer}}. They are fp32 leaves owned by this object, on the
 * model's device (the overloads taking only a {@link ClipConfig} put them on the CPU), so
 * training steps can run in short-lived scopes.
 */
public final class DeepPrompts implements PromptLearner, PromptLearner.FrozenText {
    private final PromptConfig config;
    /** CoOp's learned input context ({@link #CONTEXT}, n × text width) if any, then every non-empty block prompt by {@link #name}. */
    private final ParameterStore store;
    public static final String CONTEXT = "context";

    private DeepPrompts(PromptConfig config, Device device) {
        this.config = config;
        this.store = new ParameterStore(device);
    }

    /** Fresh prompts on {@code clip}'s device drawn from N(0, std²) with a seeded generator (std 0.02 in DPL's train stage). */
    public static DeepPrompts init(PromptConfig config, ClipModel clip, float std, long seed) {
        return init(config, clip.config(), clip.device(), std, seed);
    }

    /** As {@link #init(PromptConfig, ClipModel, float, long)}, on the CPU. */
    public static DeepPrompts init(PromptConfig config, ClipConfig clip, float std, long seed) {
        return init(config, clip, null, std, seed);
    }

    /** Fresh prompts on {@code device} (null: the CPU). */
    public static DeepPrompts init(PromptConfig config, ClipConfig clip, Device device, float std, long seed) {
        config.checkFits(clip);
        DeepPrompts p = new DeepPrompts(config, device);
        try {
            // drawn block by block, text then image, then the context; stored context first (the file's order)
            java.util.Random rng = new java.util.Random(seed);
            Map<String, float[]> drawn = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            for (Branch b : Branch.values()) {
                List<Integer> lengths = config.lengths(b);
                for (int l = 0; l < lengths.size(); l++) {
                    float[] v = ParameterStore.gaussian(lengths.get(l) * clip.width(b), std, rng);
                    if (lengths.get(l) > 0) {
                        drawn.put(name(b, l), v);
                        shapes.put(name(b, l), new Shape(lengths.get(l), clip.width(b)));
                    }
                }
            }
            if (config.context() > 0) {
                p.store.add(CONTEXT, ParameterStore.gaussian(config.context() * clip.textWidth(), std, rng),
                        new Shape(config.context(), clip.textWidth()));
            }
            for (Map.Entry<String, float[]> e : drawn.entrySet()) {
                p.store.add(e.getKey(), e.getValue(), shapes.get(e.getKey()));
            }
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** Prompts given explicitly by name ({@code prompt.{branch}.{layer}}), copied to {@code clip}'s device; missing names mean length 0. */
    public static DeepPrompts of(Map<String, Tensor> tensors, ClipModel clip) {
        return of(tensors, clip.config(), clip.device());
    }

    /** As {@link #of(Map, ClipModel)}, on the CPU. */
    public static DeepPrompts of(Map<String, Tensor> tensors, ClipConfig clip) {
        return of(tensors, clip, null);
    }

    public static DeepPrompts of(Map<String, Tensor> tensors, ClipConfig clip, Device device) {
        Map<Branch, List<Integer>> lengths = new LinkedHashMap<>();
        for (Branch b : Branch.values()) {
            List<Integer> l = new ArrayList<>();
            for (int layer = 0; layer < clip.layers(b); layer++) {
                Tensor t = tensors.get(name(b, layer));
                if (t != null && (t.dim() != 2 || t.size(1) != clip.width(b))) {
                    throw new IllegalArgumentException("prompt " + name(b, layer) + " has shape " + Shape.of(t)
                            + ", expected (n, " + clip.width(b) + ")");
                }
                l.add(t == null ? 0 : (int) t.size(0));
            }
            lengths.put(b, l);
        }
        Tensor ctx = tensors.get(CONTEXT);
        DeepPrompts p = new DeepPrompts(new PromptConfig(lengths.get(Branch.TEXT), lengths.get(Branch.IMAGE),
                ctx == null ? 0 : (int) ctx.size(0)), device);
        try {
            if (ctx != null) {
                p.store.copy(tensors, CONTEXT, Shape.of(ctx), "prompts");
            }
            for (Branch b : Branch.values()) {
                for (int layer = 0; layer < clip.layers(b); layer++) {
                    if (lengths.get(b).get(layer) > 0) {
                        p.store.copy(tensors, name(b, layer), new Shape(lengths.get(b).get(layer), clip.width(b)), "prompts");
                    }
                }
            }
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** A prompts file, onto {@code clip}'s device. */
    public static DeepPrompts load(Path file, ClipModel clip) throws IOException {
        return load(file, clip.config(), clip.device());
    }

    /** A prompts file, on the CPU. */
    public static DeepPrompts load(Path file, ClipConfig clip) throws IOException {
        return load(file, clip, null);
    }

    public static DeepPrompts load(Path file, ClipConfig clip, Device device) throws IOException {
        try (Scope s = Scope.open()) {
            return of(Safetensors.read(file), clip, device);
        }
    }

    public static String name(Branch b, int layer) {
        return "prompt." + b.key() + "." + layer;
    }

    @Override
    public PromptConfig config() {
        return config;
    }

    /** The learned input context (CoOp), or null. */
    public Tensor context() {
        return store.get(CONTEXT);
    }

    /** The prompt of a block, or null when its length is 0. */
    public Tensor get(Branch b, int layer) {
        return store.get(name(b, layer));
    }

    /** All trainable tensors by name, in a stable order: the context, then text blocks, then image blocks. */
    @Override
    public Map<String, Tensor> parameters() {
        return store.all();
    }

    /** The block attention of one branch: prompts as extra keys/values where n_l > 0. */
    public BlockAttention attention(Branch b) {
        List<Tensor> perBlock = new ArrayList<>();
        for (int l = 0; l < config.lengths(b).size(); l++) {
            perBlock.add(get(b, l));
        }
        return new PromptedAttention(perBlock);
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates) {
        return ClassTexts.build(clip, classNames, templates, config.context());
    }

    @Override
    public Tensor logits(ClipModel clip, Tensor images, ClassTexts texts) {
        return clip.logits(imageEncoder(clip).apply(images), encodeText(clip, texts));
    }

    /** Always: a key/value layout's class text features do not depend on the image. */
    @Override
    public Optional<Towers> towers(ClipModel clip) {
        return Optional.of(new Towers(imageEncoder(clip), texts -> encodeText(clip, texts)));
    }

    /** Class text features (C, E) of the prompted text encoder, before normalisation, recorded by autograd. */
    private Tensor encodeText(ClipModel clip, ClassTexts texts) {
        return clip.text().encodeEmbeddings(texts.input(context()), texts.eot(), attention(Branch.TEXT), true);
    }

    @Override
    public Scorer freeze(ClipModel clip, ClassTexts texts) {
        return Scorer.fixedText(clip, textFeatures(clip, texts), imageEncoder(clip));
    }

    /** Always: a key/value layout's class text features do not depend on the image. */
    @Override
    public Optional<FrozenText> frozenText() {
        return Optional.of(this);
    }

    @Override
    public UnaryOperator<Tensor> imageEncoder(ClipModel clip) {
        BlockAttention image = attention(Branch.IMAGE);
        return images -> clip.image().encode(images, image);
    }

    /**
     * The L2-normalised class text features (C, E) of the prompted text encoder with the current
     * values, outside autograd, in the caller's scope: the constants an exported bundle stores.
     */
    @Override
    public Tensor textFeatures(ClipModel clip, ClassTexts texts) {
        try (NoGrad g = NoGrad.open()) {
            return ClipModel.normalize(Tensors.fp32(encodeText(clip, texts))).detach();
        }
    }

    @Override
    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("lengths_text", config.text().toString());
        meta.put("lengths_image", config.image().toString());
        meta.put("context", Integer.toString(config.context()));
        Safetensors.write(file, parameters(), meta); // no learner name: the key/value layout
    }

    @Override
    public void close() {
        store.close();
    }
}
