package org.dpl4j.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.WeightFormatException;
import org.dpl4j.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dpl4j.model.ClipConfig;

/**
 * Converts a Hugging Face {@code CLIPModel} state dict and config to OpenAI names and dims:
 * q/k/v projections are concatenated into {@code in_proj}, and the two projections are
 * transposed (HF stores them as Linear weights, OpenAI as matrices applied on the right).
 */
final class HuggingFaceNames {
    private static final Pattern LAYER =
            Pattern.compile("^(text|vision)_model\\.encoder\\.layers\\.(\\d+)\\.(.+)$");
    private static final Map<String, String> LAYER_PARTS = Map.of(
            "self_attn.out_proj.weight", "attn.out_proj.weight",
            "self_attn.out_proj.bias", "attn.out_proj.bias",
            "layer_norm1.weight", "ln_1.weight",
            "layer_norm1.bias", "ln_1.bias",
            "layer_norm2.weight", "ln_2.weight",
            "layer_norm2.bias", "ln_2.bias",
            "mlp.fc1.weight", "mlp.c_fc.weight",
            "mlp.fc1.bias", "mlp.c_fc.bias",
            "mlp.fc2.weight", "mlp.c_proj.weight",
            "mlp.fc2.bias", "mlp.c_proj.bias");
    private static final Map<String, String> TOP = Map.ofEntries(
            Map.entry("text_model.embeddings.token_embedding.weight", "token_embedding.weight"),
            Map.entry("text_model.embeddings.position_embedding.weight", "positional_embedding"),
            Map.entry("text_model.final_layer_norm.weight", "ln_final.weight"),
            Map.entry("text_model.final_layer_norm.bias", "ln_final.bias"),
            Map.entry("vision_model.embeddings.class_embedding", "visual.class_embedding"),
            Map.entry("vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"),
            Map.entry("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"),
            Map.entry("vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"),
            Map.entry("vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"),
            Map.entry("vision_model.post_layernorm.weight", "visual.ln_post.weight"),
            Map.entry("vision_model.post_layernorm.bias", "visual.ln_post.bias"),
            Map.entry("logit_scale", "logit_scale"));

    private HuggingFaceNames() {}

    static boolean isHuggingFace(Map<String, Tensor> sd) {
        return sd.keySet().stream().anyMatch(k -> k.startsWith("text_model.") || k.startsWith("vision_model."));
    }

    static ClipConfig config(JsonNode cfg, String source) {
        JsonNode t = cfg.path("text_config");
        JsonNode v = cfg.path("vision_config");
        if (t.isMissingNode() || v.isMissingNode()) {
            throw new WeightFormatException(source + ": not a CLIPModel config (no text_config/vision_config)");
        }
        String act = t.path("hidden_act").asText("quick_gelu");
        if (!act.equals("quick_gelu") || !v.path("hidden_act").asText("quick_gelu").equals("quick_gelu")) {
            throw new WeightFormatException(source + ": hidden_act " + act + " is not supported (OpenAI CLIP uses quick_gelu)");
        }
        int tw = t.path("hidden_size").asInt(512);
        int vw = v.path("hidden_size").asInt(768);
        try {
            return new ClipConfig(
                    cfg.path("projection_dim").asInt(512),
                    v.path("image_size").asInt(224),
                    v.path("num_hidden_layers").asInt(12),
                    vw,
                    v.path("num_attention_heads").asInt(vw / 64),
                    v.path("patch_size").asInt(32),
                    t.path("max_position_embeddings").asInt(77),
                    t.path("vocab_size").asInt(49408),
                    tw,
                    t.path("num_attention_heads").asInt(tw / 64),
                    t.path("num_hidden_layers").asInt(12));
        } catch (IllegalArgumentException e) {
            throw new WeightFormatException(source + ": " + e.getMessage(), e);
        }
    }

    /** Returns an OpenAI-named map; unknown HF tensors are kept under their name so validation reports them. */
    static Map<String, Tensor> toOpenAi(Map<String, Tensor> hf, String source) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, Tensor[]> qkvW = new LinkedHashMap<>();
        Map<String, Tensor[]> qkvB = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : hf.entrySet()) {
            String k = e.getKey();
            Tensor a = e.getValue();
            if (k.endsWith("position_ids")) {
                continue; // a buffer, not a weight
            }
            if (TOP.containsKey(k)) {
                out.put(TOP.get(k), a);
            } else if (k.equals("text_projection.weight")) {
                out.put("text_projection", a.t().contiguous());
            } else if (k.equals("visual_projection.weight")) {
                out.put("visual.proj", a.t().contiguous());
            } else {
                Matcher m = LAYER.matcher(k);
                if (!m.matches()) {
                    out.put(k, a);
                    continue;
                }
                String prefix = (m.group(1).equals("text") ? "" : "visual.") + "transformer.resblocks." + m.group(2) + ".";
                String part = m.group(3);
                int qkv = part.startsWith("self_attn.q_proj.") ? 0 : part.startsWith("self_attn.k_proj.") ? 1
                        : part.startsWith("self_attn.v_proj.") ? 2 : -1;
                if (qkv >= 0) {
                    Map<String, Tensor[]> target = part.endsWith(".weight") ? qkvW : qkvB;
                    target.computeIfAbsent(prefix, p -> new Tensor[3])[qkv] = a;
                } else if (LAYER_PARTS.containsKey(part)) {
                    out.put(prefix + LAYER_PARTS.get(part), a);
                } else {
                    out.put(k, a);
                }
            }
        }
        joinQkv(qkvW, "attn.in_proj_weight", out, source);
        joinQkv(qkvB, "attn.in_proj_bias", out, source);
        return out;
    }

    private static void joinQkv(Map<String, Tensor[]> parts, String name, Map<String, Tensor> out, String source) {
        for (Map.Entry<String, Tensor[]> e : parts.entrySet()) {
            Tensor[] p = e.getValue();
            for (int i = 0; i < 3; i++) {
                if (p[i] == null) {
                    throw new WeightFormatException(source + ": missing tensor for " + e.getKey() + name + " ("
                            + "qkv".charAt(i) + "_proj)");
                }
            }
            out.put(e.getKey() + name, Tensors.cat(java.util.List.of(p), 0));
        }
    }
}
