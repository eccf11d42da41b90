package org.dpl4j.prompts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.Ops;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;

/**
 * CoCoOp (Zhou et al., CVPR 2022): CoOp's learned context plus a meta-net (Linear → ReLU →
 * Linear, hidden width vis_dim/16) that maps each image's normalised feature to a bias π added to
 * every context token, so every image has its own prompts [SOS, ctx + π_b, class, EOT] and its own
 * class text features. A class of its own because its prompts depend on the image: they cannot be
 * a per-block key/value prompt shared by the batch ({@link DeepPrompts}).
 *
 * <p>Batched: a batch of B images and C classes runs the text encoder on B·C sequences, in chunks
 * of at most {@link #MAX_SEQUENCES} so evaluation batches stay within memory.
 */
public final class CoCoOp implements PromptLearner {
    public static final String METHOD = "cocoop";
    /** The official {@code CTX_INIT}: the context starts as these words' embeddings and replaces them. */
    public static final String CTX_INIT = "a photo of a";
    public static final String TEMPLATE = CTX_INIT + " {}.";
    /** Text sequences per encoder pass. */
    static final int MAX_SEQUENCES = 1024;

    private final ParameterStore tensors;
    private final int nCtx;

    private CoCoOp(ParameterStore tensors, int nCtx) {
        this.tensors = tensors;
        this.nCtx = nCtx;
    }

    /** Official initialisation: ctx from the CTX_INIT words, the meta-net as PyTorch's default Linear (seeded). */
    public static CoCoOp init(ClipModel clip, long seed) {
        ClipConfig c = clip.config();
        int n = CTX_INIT.split(" ").length;
        ParameterStore t = new ParameterStore(clip.device());
        try {
            t.add("ctx", contextInit(clip, n));
            Random rng = new Random(seed);
            t.linear("meta_net.linear1", c.embedDim(), hidden(c), rng);
            t.linear("meta_net.linear2", hidden(c), c.textWidth(), rng);
            return new CoCoOp(t, n);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Tensors by their official names ({@code ctx}, {@code meta_net.linear{1,2}.{weight,bias}}), copied to {@code clip}'s device. */
    public static CoCoOp of(Map<String, Tensor> source, ClipModel clip) {
        ClipConfig c = clip.config();
        Tensor ctx = source.get("ctx");
        if (ctx == null || ctx.dim() != 2) {
            throw new IllegalArgumentException("cocoop prompts: tensor 'ctx' is missing or not (n, " + c.textWidth() + ")");
        }
        int n = (int) ctx.size(0);
        ParameterStore t = new ParameterStore(clip.device());
        try {
            t.copy(source, "ctx", new Shape(n, c.textWidth()), METHOD + " prompts");
            t.copy(source, "meta_net.linear1.weight", new Shape(hidden(c), c.embedDim()), METHOD + " prompts");
            t.copy(source, "meta_net.linear1.bias", new Shape(hidden(c)), METHOD + " prompts");
            t.copy(source, "meta_net.linear2.weight", new Shape(c.textWidth(), hidden(c)), METHOD + " prompts");
            t.copy(source, "meta_net.linear2.bias", new Shape(c.textWidth()), METHOD + " prompts");
            return new CoCoOp(t, n);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** The meta-net's hidden width: vis_dim // 16, vis_dim being CLIP's embedding (image output) width. */
    static int hidden(ClipConfig c) {
        return Math.max(1, c.embedDim() / 16);
    }

    /**
     * Embeddings (n, W) of the words of {@link #CTX_INIT} (positions 1..n after SOS): an fp32 copy on
     * {@code clip}'s device, out of autograd, in the caller's scope (it never passes through the JVM,
     * so a GPU needs no round trip and the meta-device test can run it).
     */
    public static Tensor contextInit(ClipModel clip, int n) {
        long[][] tokens = ClipTokenizer.load().tokenize(List.of(CTX_INIT), clip.config().contextLength());
        try (NoGrad g = NoGrad.open()) {
            return Tensors.fp32(clip.text().embed(tokens).select(0, 0).narrow(0, 1, n)).clone();
        }
    }

    @Override
    public Map<String, Tensor> parameters() {
        return tensors.all();
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates) {
        return ClassTexts.build(clip, classNames, List.of(TEMPLATE));
    }

    /** π (B, W): the meta-net's bias for normalised image features (B, E). */
    Tensor metaNet(Tensor imageFeaturesNormalised) {
        Tensor h = Ops.relu(tensors.linear("meta_net.linear1", imageFeaturesNormalised));
        return tensors.linear("meta_net.linear2", h);
    }

    @Override
    public Tensor logits(ClipModel clip, Tensor images, ClassTexts texts) {
        Tensor imageN = ClipModel.normalize(Tensors.fp32(clip.image().encode(images, BlockAttention.PLAIN)));
        Tensor contexts = tensors.get("ctx").unsqueeze(0).add(metaNet(imageN).unsqueeze(1)); // (B, n, W)
        long b = imageN.size(0);
        int perPass = Math.max(1, MAX_SEQUENCES / texts.size());
        List<Tensor> parts = new ArrayList<>();
        for (long from = 0; from < b; from += perPass) {
            long k = Math.min(b, from + perPass) - from;
            Tensor txt = ClipModel.normalize(Tensors.fp32(textFeatures(clip, contexts.narrow(0, from, k), texts)));
            Tensor img = imageN.narrow(0, from, k).unsqueeze(2); // (k, E, 1)
            parts.add(txt.matmul(img).squeeze(2));
        }
        return Tensors.mul(parts.size() == 1 ? parts.get(0) : Tensors.cat(parts, 0), clip.scale());
    }

    /** Text features (k, C, E) of every class under each of k images' contexts (k, n, W): one pass of k·C sequences. */
    Tensor textFeatures(ClipModel clip, Tensor contexts, ClassTexts texts) {
        int[] eot = texts.eot();
        int maxEot = java.util.Arrays.stream(eot).max().orElseThrow();
        long k = contexts.size(0);
        long c = texts.size();
        long w = contexts.size(2);
        Tensor emb = texts.embeddings();
        Tensor prefix = emb.narrow(1, 0, 1).unsqueeze(0).expand(k, c, 1, w);
        Tensor suffix = emb.narrow(1, 1 + nCtx, maxEot - nCtx);
        suffix = suffix.unsqueeze(0).expand(k, c, suffix.size(1), w);
        Tensor ctx = contexts.to(Tensors.dtype(emb)).unsqueeze(1).expand(k, c, nCtx, w);
        Tensor seq = Tensors.cat(List.of(prefix, ctx, suffix), 2).reshape(k * c, maxEot + 1, w);
        int[] eots = new int[(int) (k * c)];
        for (int i = 0; i < eots.length; i++) {
            eots[i] = eot[(int) (i % c)];
        }
        return clip.text().encodeEmbeddings(seq, eots, BlockAttention.PLAIN, true).reshape(k, c, -1);
    }

    @Override
    public Scorer freeze(ClipModel clip, ClassTexts texts) {
        // the text features depend on the image: nothing can be computed ahead
        return images -> logits(clip, images, texts);
    }

    @Override
    public void save(Path file) throws IOException {
        tensors.save(file, METHOD, Map.of("n_ctx", Integer.toString(nCtx)));
    }

    @Override
    public void close() {
        tensors.close();
    }
}
