package org.dpl4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Shape;

/**
 * The tensors an OpenAI-named CLIP state dict must hold for a given config, with their shapes.
 * Every loaded checkpoint is checked against it so that a wrong file fails with the name of the
 * tensor at fault instead of a shape error deep inside a forward pass.
 */
public final class WeightSchema {
    private WeightSchema() {}

    public static Map<String, Shape> expected(ClipConfig c) {
        Map<String, Shape> m = new LinkedHashMap<>();
        int w = c.textWidth();
        m.put("token_embedding.weight", new Shape(c.vocabSize(), w));
        m.put("positional_embedding", new Shape(c.contextLength(), w));
        blocks(m, "transformer.resblocks.", c.textLayers(), w);
        m.put("ln_final.weight", new Shape(w));
        m.put("ln_final.bias", new Shape(w));
        m.put("text_projection", new Shape(w, c.embedDim()));
        m.put("logit_scale", new Shape());
        int v = c.visionWidth();
        int p = c.visionPatchSize();
        m.put("visual.class_embedding", new Shape(v));
        m.put("visual.positional_embedding", new Shape(c.imageTokens(), v));
        m.put("visual.proj", new Shape(v, c.embedDim()));
        m.put("visual.conv1.weight", new Shape(v, 3, p, p));
        m.put("visual.ln_pre.weight", new Shape(v));
        m.put("visual.ln_pre.bias", new Shape(v));
        blocks(m, "visual.transformer.resblocks.", c.visionLayers(), v);
        m.put("visual.ln_post.weight", new Shape(v));
        m.put("visual.ln_post.bias", new Shape(v));
        return m;
    }

    private static void blocks(Map<String, Shape> m, String prefix, int layers, int w) {
        for (int i = 0; i < layers; i++) {
            String b = prefix + i + ".";
            m.put(b + "attn.in_proj_weight", new Shape(3L * w, w));
            m.put(b + "attn.in_proj_bias", new Shape(3L * w));
            m.put(b + "attn.out_proj.weight", new Shape(w, w));
            m.put(b + "attn.out_proj.bias", new Shape(w));
            m.put(b + "ln_1.weight", new Shape(w));
            m.put(b + "ln_1.bias", new Shape(w));
            m.put(b + "mlp.c_fc.weight", new Shape(4L * w, w));
            m.put(b + "mlp.c_fc.bias", new Shape(4L * w));
            m.put(b + "mlp.c_proj.weight", new Shape(w, 4L * w));
            m.put(b + "mlp.c_proj.bias", new Shape(w));
            m.put(b + "ln_2.weight", new Shape(w));
            m.put(b + "ln_2.bias", new Shape(w));
        }
    }

    /**
     * Checks names and shapes; the message lists every missing, unexpected and mis-shaped tensor
     * (the first few of each), naming the source file.
     */
    public static void validate(Map<String, Tensor> tensors, ClipConfig config, String source) {
        checkLayers(config, tensors.size(), source);
        Map<String, Shape> exp = expected(config);
        List<String> problems = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>(exp.keySet());
        missing.removeAll(tensors.keySet());
        TreeSet<String> extra = new TreeSet<>(tensors.keySet());
        extra.removeAll(exp.keySet());
        if (!missing.isEmpty()) {
            problems.add("missing tensor" + (missing.size() > 1 ? "s " : " ") + head(missing));
        }
        if (!extra.isEmpty()) {
            problems.add("unexpected tensor" + (extra.size() > 1 ? "s " : " ") + head(extra));
        }
        for (Map.Entry<String, Shape> e : exp.entrySet()) {
            Tensor a = tensors.get(e.getKey());
            if (a != null && !sameShape(Shape.of(a), e.getValue())) {
                problems.add("tensor " + e.getKey() + " has shape " + Shape.of(a) + ", expected " + e.getValue());
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightFormatException(source + ": " + String.join("; ", problems.subList(0, Math.min(4, problems.size())))
                    + (problems.size() > 4 ? " (and " + (problems.size() - 4) + " more problems)" : ""));
        }
    }

    /**
     * Refuses a config with more blocks in a branch than the file has tensors (each block needs 12): it cannot
     * match, and its schema alone could be millions of names (a config.json or bundle record asking for 2^31
     * layers must not make the loader build them).
     */
    public static void checkLayers(ClipConfig config, int tensors, String source) {
        if (config.textLayers() > tensors || config.visionLayers() > tensors) {
            throw new WeightFormatException(source + ": the config has " + config.textLayers() + " text and "
                    + config.visionLayers() + " image blocks, more than the " + tensors + " tensors there are");
        }
    }

    /** A 0-d scalar such as logit_scale is sometimes stored with shape (1). */
    static boolean sameShape(Shape actual, Shape expected) {
        return actual.equals(expected) || (expected.dimension() == 0 && actual.size() == 1);
    }

    private static String head(TreeSet<String> names) {
        List<String> l = new ArrayList<>(names);
        return String.join(", ", l.subList(0, Math.min(5, l.size()))) + (l.size() > 5 ? " ... (" + l.size() + " in all)" : "");
    }
}
