package org.dpl4j.prompts;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.Ops;
import org.dpl4j.model.text.ClipTokenizer;

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

    private final LearnedTensors tensors;
    private final int nCtx;

    private CoCoOp(LearnedTensors tensors, int nCtx) {
        this.tensors = tensors;
        this.nCtx = nCtx;
    }

    /** Official initialisation: ctx from the CTX_INIT words, the meta-net as PyTorch's default Linear (seeded). */
    public static CoCoOp init(ClipModel clip, long seed, NDManager parent) {
        ClipConfig c = clip.config();
        int n = CTX_INIT.split(" ").length;
        LearnedTensors t = new LearnedTensors(parent);
        try {
            t.add("ctx", contextInit(clip, n), new Shape(n, c.textWidth()));
            Random rng = new Random(seed);
            t.linear("meta_net.linear1", c.embedDim(), hidden(c), rng);
            t.linear("meta_net.linear2", hidden(c), c.textWidth(), rng);
            return new CoCoOp(t, n);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Tensors by their official names ({@code ctx}, {@code meta_net.linear{1,2}.{weight,bias}}), copied. */
    public static CoCoOp of(Map<String, NDArray> source, ClipConfig c, NDManager parent) {
        NDArray ctx = source.get("ctx");
        if (ctx == null || ctx.getShape().dimension() != 2) {
            throw new IllegalArgumentException("cocoop prompts: tensor 'ctx' is missing or not (n, " + c.textWidth() + ")");
        }
        int n = (int) ctx.getShape().get(0);
        LearnedTensors t = new LearnedTensors(parent);
        try {
            t.copy(source, "ctx", new Shape(n, c.textWidth()), METHOD);
            t.copy(source, "meta_net.linear1.weight", new Shape(hidden(c), c.embedDim()), METHOD);
            t.copy(source, "meta_net.linear1.bias", new Shape(hidden(c)), METHOD);
            t.copy(source, "meta_net.linear2.weight", new Shape(c.textWidth(), hidden(c)), METHOD);
            t.copy(source, "meta_net.linear2.bias", new Shape(c.textWidth()), METHOD);
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

    /** Embeddings of the words of {@link #CTX_INIT} (positions 1..n after SOS), flattened. */
    static float[] contextInit(ClipModel clip, int n) {
        long[][] tokens = ClipTokenizer.load().tokenize(List.of(CTX_INIT), clip.config().contextLength());
        try (NDManager m = clip.manager().newSubManager()) {
            return clip.text().embed(m, tokens).get(new NDIndex("0, 1:{}", 1 + n)).toFloatArray();
        }
    }

    @Override
    public Map<String, NDArray> parameters() {
        return tensors.all();
    }

    @Override
    public ClassTexts texts(ClipModel clip, List<String> classNames, List<String> templates, NDManager m) {
        return ClassTexts.build(clip, classNames, List.of(TEMPLATE), m);
    }

    /** π (B, W): the meta-net's bias for normalised image features (B, E) living in the step's scope. */
    NDArray metaNet(NDArray imageFeaturesNormalised) {
        NDArray h = Activation.relu(tensors.linear("meta_net.linear1", imageFeaturesNormalised));
        return tensors.linear("meta_net.linear2", h);
    }

    @Override
    public NDArray logits(ClipModel clip, NDManager scope, NDArray images, ClassTexts texts) {
        NDArray imageN = ClipModel.normalize(clip.image().encode(images, BlockAttention.PLAIN));
        NDArray contexts = Ops.into(scope, tensors.get("ctx")).expandDims(0).add(metaNet(imageN).expandDims(1)); // (B, n, W)
        long b = imageN.getShape().get(0);
        int perPass = Math.max(1, MAX_SEQUENCES / texts.size());
        NDList parts = new NDList();
        for (long from = 0; from < b; from += perPass) {
            long to = Math.min(b, from + perPass);
            NDArray txt = ClipModel.normalize(textFeatures(clip, scope, contexts.get(new NDIndex("{}:{}", from, to)), texts));
            NDArray img = imageN.get(new NDIndex("{}:{}", from, to)).expandDims(2); // (k, E, 1)
            parts.add(txt.matMul(img).squeeze(2));
        }
        return Ops.mul(parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0), clip.scale());
    }

    /** Text features (k, C, E) of every class under each of k images' contexts (k, n, W): one pass of k·C sequences. */
    NDArray textFeatures(ClipModel clip, NDManager scope, NDArray contexts, ClassTexts texts) {
        int[] eot = texts.eot();
        int maxEot = java.util.Arrays.stream(eot).max().orElseThrow();
        long k = contexts.getShape().get(0);
        long c = texts.size();
        long w = contexts.getShape().get(2);
        NDArray emb = texts.embeddings();
        NDArray prefix = emb.get(scope, new NDIndex(":, :1")).expandDims(0).broadcast(new Shape(k, c, 1, w));
        NDArray suffix = emb.get(scope, new NDIndex(":, {}:{}", 1 + nCtx, maxEot + 1));
        suffix = suffix.expandDims(0).broadcast(new Shape(k, c, suffix.getShape().get(1), w));
        NDArray ctx = contexts.expandDims(1).broadcast(new Shape(k, c, nCtx, w));
        NDArray seq = NDArrays.concat(new NDList(prefix, ctx, suffix), 2).reshape(k * c, maxEot + 1, w);
        int[] eots = new int[(int) (k * c)];
        for (int i = 0; i < eots.length; i++) {
            eots[i] = eot[(int) (i % c)];
        }
        return clip.text().encodeEmbeddings(scope, seq, eots, BlockAttention.PLAIN, true).reshape(k, c, -1);
    }

    @Override
    public Scorer freeze(ClipModel clip, ClassTexts texts, NDManager m) {
        // the text features depend on the image: nothing can be computed ahead
        return (scope, images) -> logits(clip, scope, images, texts);
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
