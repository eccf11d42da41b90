package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.BlockInput;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * Prompt tokens in the residual stream, replaced block by block: the one mechanism of MaPLe, IVLP, deep
 * VPT and PromptSRC (their official {@code clip/model.py}: {@code ResidualAttentionBlock_MaPLe} and
 * {@code _IVLP}), with the per-block lengths of a {@link StreamLayout}.
 *
 * <ul>
 *   <li>Text: the input context {@code ctx} replaces the first n words of "a photo of a {c}." (after SOS,
 *       with their positional embeddings); before block l ≥ 1 with a prompt, its tokens replace the stream's
 *       prompt positions (right after SOS; no positional embedding). The feature is read at the EOT, which
 *       moves with the number of prompt tokens.</li>
 *   <li>Vision: the input prompt is appended after the class and patch tokens, then {@code ln_pre} runs over
 *       the whole sequence; before block l ≥ 1 with a prompt, its tokens replace the last ones.</li>
 *   <li>Coupled (MaPLe): the vision prompt of a block is a Linear of its text prompt ({@code proj} at the
 *       input, {@code compound_prompt_projections.{l−1}} in block l), so vision has no tokens of its own.</li>
 *   <li>No text prompt (deep VPT): the text features are frozen CLIP's of "a photo of a {c}.", outside
 *       autograd.</li>
 * </ul>
 * Tensor names are the official ones (golden/README.md), so checkpoints, prompts files and the golden
 * files share them: MaPLe's {@code ctx}, {@code proj}, {@code compound_prompts_text.i},
 * {@code compound_prompt_projections.i}; the others' {@code ctx}, {@code image_encoder.VPT},
 * {@code {text,image}_encoder.transformer.resblocks.l.VPT_shallow}.
 */
public final class StreamPrompts implements PromptLearner, PromptLearner.FrozenText {
    public static final String CONTEXT = "ctx";
    /** The uncoupled methods' input vision prompt. */
    public static final String VISION_INPUT = "image_encoder.VPT";
    /** The coupled input vision prompt's Linear. */
    public static final String PROJ = "proj";

    private final String method;
    private final StreamLayout layout;
    private final ClipConfig clipConfig;
    private final ParameterStore store;

    private StreamPrompts(String method, StreamLayout layout, ClipConfig clipConfig, ParameterStore store) {
        this.method = method;
        this.layout = layout;
        this.clipConfig = clipConfig;
        this.store = store;
    }

    /** The name of block l's (l ≥ 1) own text prompt. */
    public static String textName(int layer, boolean coupled) {
        return coupled ? "compound_prompts_text." + (layer - 1) : "text_encoder.transformer.resblocks." + layer + ".VPT_shallow";
    }

    /** The name of block l's (l ≥ 1) own vision prompt (uncoupled methods). */
    public static String visionName(int layer) {
        return "image_encoder.transformer.resblocks." + layer + ".VPT_shallow";
    }

    /** The name of block l's coupling Linear (coupled methods; without ".weight"/".bias"). */
    public static String couplingName(int layer) {
        return layer == 0 ? PROJ : "compound_prompt_projections." + (layer - 1);
    }

    /**
     * Fresh prompts as the official code initialises them: {@code ctx} from the first n words of "a photo of a",
     * every other prompt N(0, std²), Linear couplings as PyTorch's default Linear with the deep ones equal to the
     * first (MaPLe deep-copies one); drawn from one seeded {@link Random} in the order the tensors are stored.
     */
    public static StreamPrompts init(String method, StreamLayout layout, ClipModel clip, float std, long seed) {
        ClipConfig c = clip.config();
        layout.checkFits(c);
        ParameterStore t = new ParameterStore(clip.device());
        try {
            Random rng = new Random(seed);
            List<Integer> text = layout.text();
            List<Integer> vision = layout.vision();
            if (text.get(0) > 0) {
                t.add(CONTEXT, CoCoOp.contextInit(clip, text.get(0)));
            }
            if (layout.coupled()) {
                t.linear(PROJ, c.textWidth(), c.visionWidth(), rng);
                addDeep(t, text, l -> textName(l, true), c.textWidth(), std, rng);
                String first = null;
                for (int l = 1; l < text.size(); l++) {
                    if (text.get(l) > 0) {
                        if (first == null) {
                            first = couplingName(l);
                            t.linear(first, c.textWidth(), c.visionWidth(), rng);
                        } else {
                            t.linearLike(couplingName(l), first);
                        }
                    }
                }
            } else {
                if (vision.get(0) > 0) {
                    t.add(VISION_INPUT, ParameterStore.gaussian(vision.get(0) * c.visionWidth(), std, rng),
                            new Shape(vision.get(0), c.visionWidth()));
                }
                addDeep(t, vision, StreamPrompts::visionName, c.visionWidth(), std, rng);
                addDeep(t, text, l -> textName(l, false), c.textWidth(), std, rng);
            }
            return new StreamPrompts(method, layout, c, t);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private static void addDeep(ParameterStore t, List<Integer> lengths, java.util.function.IntFunction<String> name, int width,
            float std, Random rng) {
        for (int l = 1; l < lengths.size(); l++) {
            if (lengths.get(l) > 0) {
                t.add(name.apply(l), ParameterStore.gaussian(lengths.get(l) * width, std, rng), new Shape(lengths.get(l), width));
            }
        }
    }

    /**
     * Prompts by their official names, copied to {@code clip}'s device; the layout is read from which tensors
     * are present and their lengths. Fails naming the tensor when one is missing or misshapen.
     */
    public static StreamPrompts of(String method, boolean coupled, Map<String, Tensor> source, ClipModel clip) {
        ClipConfig c = clip.config();
        String owner = method + " prompts";
        List<Integer> text = new ArrayList<>();
        text.add(rows(source, CONTEXT, c.textWidth(), owner));
        for (int l = 1; l < c.textLayers(); l++) {
            text.add(rows(source, textName(l, coupled), c.textWidth(), owner));
        }
        List<Integer> vision = new ArrayList<>();
        if (coupled) {
            vision = text;
        } else {
            vision.add(rows(source, VISION_INPUT, c.visionWidth(), owner));
            for (int l = 1; l < c.visionLayers(); l++) {
                vision.add(rows(source, visionName(l), c.visionWidth(), owner));
            }
        }
        StreamLayout layout = new StreamLayout(text, vision, coupled);
        try {
            layout.checkFits(c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
        }
        ParameterStore t = new ParameterStore(clip.device());
        try {
            for (String name : names(layout)) {
                Tensor like = source.get(name);
                t.copy(source, name, like == null ? new Shape(0) : Shape.of(like), owner);
            }
            return new StreamPrompts(method, layout, c, t);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Rows of {@code source}[name] (n, width), 0 when absent; fails on another width or rank. */
    private static int rows(Map<String, Tensor> source, String name, int width, String owner) {
        Tensor t = source.get(name);
        if (t == null) {
            return 0;
        }
        if (t.dim() != 2 || t.size(1) != width) {
            throw new IllegalArgumentException(owner + ": tensor '" + name + "' has shape " + Shape.of(t) + ", expected (n, "
                    + width + ")");
        }
        return (int) t.size(0);
    }

    /** The names of a layout's tensors, in the order {@link #init} stores them. */
    private static List<String> names(StreamLayout layout) {
        List<String> out = new ArrayList<>();
        List<Integer> text = layout.text();
        if (text.get(0) > 0) {
            out.add(CONTEXT);
        }
        if (layout.coupled()) {
            out.add(PROJ + ".weight");
            out.add(PROJ + ".bias");
            for (int l = 1; l < text.size(); l++) {
                if (text.get(l) > 0) {
                    out.add(textName(l, true));
                }
            }
            for (int l = 1; l < text.size(); l++) {
                if (text.get(l) > 0) {
                    out.add(couplingName(l) + ".weight");
                    out.add(couplingName(l) + ".bias");
                }
            }
            return out;
        }
        if (layout.vision().get(0) > 0) {
            out.add(VISION_INPUT);
        }
        for (int l = 1; l < layout.vision().size(); l++) {
            if (layout.vision().get(l) > 0) {
                out.add(visionName(l));
            }
        }
        for (int l = 1; l < text.size(); l++) {
            if (text.get(l) > 0) {
                out.add(textName(l, false));
            }
        }
        return out;
    }

    public String method() {
        return method;
    }

    public StreamLayout layout() {
        return layout;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return store.all();
    }

    /** Every method of this mechanism reads the fixed text input "a photo of a {c}." (their {@code CTX_INIT}). */
    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates) {
        return ClassTexts.build(clip, classNames, List.of(CoCoOp.TEMPLATE));
    }

    /** Block l's text prompt (l = 0: the input context), or null when the block carries on. */
    Tensor textPrompt(int layer) {
        return layer == 0 ? store.get(CONTEXT) : layer < layout.text().size() && layout.text().get(layer) > 0
                ? store.get(textName(layer, layout.coupled())) : null;
    }

    /** Block l's vision prompt (l = 0: the tokens appended before {@code ln_pre}), or null when the block carries on. */
    public Tensor visionPrompt(int layer) {
        if (layer >= layout.vision().size() || layout.vision().get(layer) == 0) {
            return null;
        }
        if (layout.coupled()) {
            return store.linear(couplingName(layer), textPrompt(layer));
        }
        return store.get(layer == 0 ? VISION_INPUT : visionName(layer));
    }

    /** Text features (C, E) before normalisation, recorded by autograd when the text is prompted. */
    public Tensor encodeText(ClipModel clip, ClassTexts texts) {
        if (!layout.textPrompted()) {
            try (NoGrad g = NoGrad.open()) {
                return clip.text().encodeEmbeddings(texts.embeddings(), texts.eot(), BlockAttention.PLAIN, true);
            }
        }
        Tensor[] deep = new Tensor[layout.text().size()];
        for (int l = 1; l < deep.length; l++) {
            deep[l] = textPrompt(l);
        }
        return clip.text().encodeEmbeddings(texts.input(textPrompt(0)), texts.eot(), BlockAttention.PLAIN,
                replacing(deep, true, layout.text().get(0)), true);
    }

    /** Image features (B, E) before normalisation, recorded by autograd. */
    public Tensor encodeImages(ClipModel clip, Tensor images) {
        Tensor x = clip.image().embed(images);
        Tensor input = visionPrompt(0);
        if (input != null) {
            x = Tensors.cat(List.of(x, expand(input, x)), 1);
        }
        Tensor[] deep = new Tensor[layout.vision().size()];
        for (int l = 1; l < deep.length; l++) {
            deep[l] = visionPrompt(l);
        }
        return clip.image().encodeTokens(clip.image().preNorm(x), BlockAttention.PLAIN, replacing(deep, false, layout.vision().get(0)));
    }

    /**
     * Replaces the stream's prompt tokens before every block l ≥ 1 with {@code prompts[l]} non-null; text prompts
     * follow SOS, vision prompts end the sequence. One per forward: it tracks how many prompt tokens the stream
     * holds ({@code held} at the input).
     */
    private static BlockInput replacing(Tensor[] prompts, boolean text, int held) {
        int[] m = {held};
        return (layer, x) -> {
            if (layer < 1 || layer >= prompts.length || prompts[layer] == null) {
                return x;
            }
            int n = m[0];
            m[0] = (int) prompts[layer].size(0);
            return text
                    ? Tensors.cat(List.of(x.narrow(1, 0, 1), expand(prompts[layer], x), x.narrow(1, 1 + n, x.size(1) - 1 - n)), 1)
                    : Tensors.cat(List.of(x.narrow(1, 0, x.size(1) - n), expand(prompts[layer], x)), 1);
        };
    }

    /** A prompt (n, W) repeated over the batch of {@code like} (B, L, W), in {@code like}'s dtype. */
    private static Tensor expand(Tensor prompt, Tensor like) {
        return prompt.to(Tensors.dtype(like)).unsqueeze(0).expand(like.size(0), prompt.size(0), prompt.size(1));
    }

    @Override
    public Tensor logits(ClipModel clip, Tensor images, ClassTexts texts) {
        return clip.logits(encodeImages(clip, images), encodeText(clip, texts));
    }

    /** Its class text features do not depend on the image (frozen CLIP's where the text is not prompted). */
    @Override
    public Optional<Towers> towers(ClipModel clip) {
        return Optional.of(new Towers(imageEncoder(clip), texts -> encodeText(clip, texts)));
    }

    @Override
    public Scorer freeze(ClipModel clip, ClassTexts texts) {
        return Scorer.fixedText(clip, textFeatures(clip, texts), imageEncoder(clip));
    }

    /** Its class text features do not depend on the image: runs store them, bundles carry them. */
    @Override
    public Optional<FrozenText> frozenText() {
        return Optional.of(this);
    }

    /** The layout as a {@link PromptConfig} ({@link StreamLayout#config}). */
    @Override
    public PromptConfig config() {
        return layout.config(clipConfig);
    }

    /** The L2-normalised class text features (C, E), outside autograd, in the caller's scope. */
    @Override
    public Tensor textFeatures(ClipModel clip, ClassTexts texts) {
        try (NoGrad g = NoGrad.open()) {
            return ClipModel.normalize(Tensors.fp32(encodeText(clip, texts))).detach();
        }
    }

    @Override
    public UnaryOperator<Tensor> imageEncoder(ClipModel clip) {
        return images -> encodeImages(clip, images);
    }

    @Override
    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (layout.coupled()) { // MaPLe's files keep the fields they always had
            meta.put("n_ctx", Integer.toString(layout.text().get(0)));
            meta.put("prompt_depth", Integer.toString(layout.text().size()));
        } else {
            meta.put("lengths_text", layout.text().toString());
            meta.put("lengths_vision", layout.vision().toString());
        }
        store.save(file, method, meta);
    }

    @Override
    public void close() {
        store.close();
    }
}
