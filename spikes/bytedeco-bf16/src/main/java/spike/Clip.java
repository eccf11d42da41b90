package spike;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import static org.bytedeco.pytorch.global.torch.ScalarType.BFloat16;
import static org.bytedeco.pytorch.global.torch.ScalarType.Bool;
import static org.bytedeco.pytorch.global.torch.ScalarType.Float;
import static org.bytedeco.pytorch.global.torch.ScalarType.Long;

/**
 * A CLIP ViT-B/16-sized supernet with random frozen weights and DPL deep key/value prompts:
 * in every block, candidate prompts of lengths {1,2,3} (candidate 0 = none) are projected by the
 * block's K/V weights and prepended to the keys/values; the candidate outputs are mixed with
 * softmax(alpha[layer]). Precision: {@code act} is the dtype of frozen matrices and activations;
 * prompts, alphas, LayerNorm affine params, features, logits and loss stay fp32.
 */
final class Clip {
    static final int[] CANDS = {0, 1, 2, 3};

    /** Per-block frozen weights; matrices in [out,in] layout (linear), LN params fp32. */
    static final class Block {
        Tensor ln1g, ln1b, wqkv, bqkv, wkv, bkv, wo, bo, ln2g, ln2b, w1, b1, w2, b2;
    }

    /** One encoder branch: blocks, prompts (fp32 leaves), alphas (fp32 leaf [L, 4]), masks. */
    static final class Branch {
        final int width, heads, layers;
        final Block[] blocks;
        final Tensor[][] prompts; // [layer][k] for k = 1..3 (index 0 unused)
        final Tensor alphas;
        Branch(int width, int heads, int layers) {
            this.width = width; this.heads = heads; this.layers = layers;
            this.blocks = new Block[layers];
            this.prompts = new Tensor[layers][CANDS.length];
            this.alphas = rand(0.001, layers, CANDS.length).set_requires_grad(true);
        }
    }

    final ScalarType act;
    final Branch image, text;
    // image stem / head
    final Tensor patchW, cls, imgPos, lnPreG, lnPreB, lnPostG, lnPostB, imgProj;
    // text stem / head
    final Tensor tokEmb, txtPos, lnFinG, lnFinB, txtProj;
    final int textTokens; // EOT truncation: tokens actually run
    final Tensor tokens;  // [C, textTokens] int64
    final Tensor[] textMasks; // per candidate: bool [T, n_k + T]

    // op-class wall timers for Bench profile=true; inclusive (the residual timer contains the attention)
    static boolean profile = false;
    static final java.util.Map<String, long[]> timers = new java.util.TreeMap<>();

    Clip(ScalarType act, int classes, int textTokens) {
        this.act = act;
        this.textTokens = textTokens;
        try (PointerScope keep = new PointerScope()) { // temporaries die here; fields are retained below
            image = branch(768, 12, 12, 3072, true);
            text = branch(512, 8, 12, 2048, false);
            patchW = w(768, 3 * 16 * 16);
            cls = keepT(rand(0.02, 768).to(act));
            imgPos = keepT(rand(0.01, 197, 768).to(act));
            lnPreG = keepT(torch.ones(768)); lnPreB = keepT(torch.zeros(768));
            lnPostG = keepT(torch.ones(768)); lnPostB = keepT(torch.zeros(768));
            imgProj = w(512, 768);
            tokEmb = keepT(rand(0.02, 49408, 512).to(act));
            txtPos = keepT(rand(0.01, textTokens, 512).to(act));
            lnFinG = keepT(torch.ones(512)); lnFinB = keepT(torch.zeros(512));
            txtProj = w(512, 512);
            long[] ids = new long[classes * textTokens];
            for (int c = 0; c < classes; c++) {
                ids[c * textTokens] = 49406;
                for (int j = 1; j < textTokens - 1; j++) ids[c * textTokens + j] = 320 + (c * 7L + j) % 40000;
                ids[c * textTokens + textTokens - 1] = 49407; // EOT last: all classes truncated to the same length
            }
            tokens = keepT(T.fromLongs(ids, classes, textTokens));
            textMasks = new Tensor[CANDS.length];
            for (int k = 0; k < CANDS.length; k++) {
                Tensor causal = torch.ones(textTokens, textTokens).tril().to(Bool);
                textMasks[k] = keepT(CANDS[k] == 0 ? causal
                        : torch.cat(new TensorVector(torch.ones(textTokens, CANDS[k]).to(Bool), causal), 1));
            }
        }
    }

    private static Tensor keepT(Tensor t) { t.retainReference(); return t; }

    private Tensor w(long out, long in) { return keepT(rand(1.0 / Math.sqrt(in), out, in).to(act)); }

    private static Tensor rand(double std, long... shape) { return torch.randn(shape).mul(new Scalar(std)); }

    private Branch branch(int width, int heads, int layers, int mlp, boolean isImage) {
        Branch b = new Branch(width, heads, layers);
        b.alphas.retainReference();
        for (int l = 0; l < layers; l++) {
            Block k = new Block();
            k.ln1g = keepT(torch.ones(width)); k.ln1b = keepT(torch.zeros(width));
            k.ln2g = keepT(torch.ones(width)); k.ln2b = keepT(torch.zeros(width));
            k.wqkv = w(3L * width, width);
            k.bqkv = keepT(torch.zeros(3L * width).to(act));
            k.wkv = keepT(k.wqkv.narrow(0, width, 2L * width).contiguous()); // K,V rows for the prompts
            k.bkv = keepT(k.bqkv.narrow(0, width, 2L * width).contiguous());
            k.wo = w(width, width); k.bo = keepT(torch.zeros(width).to(act));
            k.w1 = w(mlp, width); k.b1 = keepT(torch.zeros(mlp).to(act));
            k.w2 = w(width, mlp); k.b2 = keepT(torch.zeros(width).to(act));
            b.blocks[l] = k;
            for (int c = 1; c < CANDS.length; c++) {
                // reference init: text prompts U[0,1), image prompts N(0,1); fp32 leaves
                Tensor p = isImage ? torch.randn(CANDS[c], width) : torch.rand(CANDS[c], width);
                b.prompts[l][c] = keepT(p.set_requires_grad(true));
            }
        }
        return b;
    }

    /** All learnable leaves. */
    java.util.List<Tensor> alphaParams() { return java.util.List.of(image.alphas, text.alphas); }

    java.util.List<Tensor> promptParams() {
        java.util.List<Tensor> out = new java.util.ArrayList<>();
        for (Branch b : new Branch[]{image, text})
            for (Tensor[] row : b.prompts)
                for (int c = 1; c < row.length; c++) out.add(row[c]);
        return out;
    }

    // ---------------------------------------------------------------- timing helper
    static <R> R op(String name, java.util.function.Supplier<R> f) {
        if (!profile) return f.get();
        long t0 = System.nanoTime();
        R r = f.get();
        long[] acc = timers.computeIfAbsent(name, n -> new long[2]);
        acc[0] += System.nanoTime() - t0;
        acc[1]++;
        return r;
    }

    // ---------------------------------------------------------------- layers
    private static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return op("linear", () -> b == null ? torch.linear(x, w) : torch.linear(x, w, new TensorOptional(b)));
    }

    /** LayerNorm on the activation dtype with fp32 gamma/beta; the CPU kernel accumulates stats in fp32. */
    private static Tensor ln(Tensor x, Tensor g, Tensor b) {
        return op("layer_norm", () -> torch.layer_norm(x, new long[]{x.size(x.dim() - 1)},
                new TensorOptional(g), new TensorOptional(b), 1e-5, false));
    }

    private static Tensor quickGelu(Tensor x) {
        return op("gelu(elementwise)", () -> x.mul(x.mul(new Scalar(1.702)).sigmoid()));
    }

    /** [B, L, W] -> [B, H, L, d] */
    private static Tensor heads(Tensor x, int h) {
        long b = x.size(0), l = x.size(1), d = x.size(2) / h;
        return x.view(b, l, h, d).transpose(1, 2);
    }

    private Tensor sdpa(Tensor q, Tensor k, Tensor v, Tensor mask) {
        return op("sdpa", () -> mask == null ? torch.scaled_dot_product_attention(q, k, v)
                : torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0, false, new DoubleOptional(), false));
    }

    /** Fused mixture: one QKV projection, four candidate attentions over [prompt_k ; sequence], one out-projection. */
    private Tensor mixtureAttention(Branch br, int layer, Tensor h, Tensor[] masks) {
        Block w = br.blocks[layer];
        long b = h.size(0), l = h.size(1);
        int hd = br.heads;
        TensorVector qkv = linear(h, w.wqkv, w.bqkv).chunk(3, 2);
        Tensor q = heads(qkv.get(0), hd), k = heads(qkv.get(1), hd), v = heads(qkv.get(2), hd);
        Tensor mix = op("softmax(alpha)", () -> torch.softmax(br.alphas.select(0, layer), 0)); // fp32 [4]
        Tensor out = null;
        for (int c = 0; c < CANDS.length; c++) {
            Tensor kc = k, vc = v;
            if (CANDS[c] > 0) {
                Tensor p = ln(br.prompts[layer][c], w.ln1g, w.ln1b).to(act); // fp32 LN, then cast at the boundary
                TensorVector kv = linear(p.unsqueeze(0), w.wkv, w.bkv).chunk(2, 2); // [1, n, W] each
                Tensor pk = heads(kv.get(0), hd).expand(b, hd, CANDS[c], br.width / hd);
                Tensor pv = heads(kv.get(1), hd).expand(b, hd, CANDS[c], br.width / hd);
                kc = op("cat(prompt;seq)", () -> torch.cat(new TensorVector(pk, k), 2));
                vc = op("cat(prompt;seq)", () -> torch.cat(new TensorVector(pv, v), 2));
            }
            Tensor o = sdpa(q, kc, vc, masks == null ? null : masks[c]);
            out = mulAdd(o, mix.select(0, c), out); // bf16 * 0-dim fp32 stays bf16
        }
        Tensor merged = out.transpose(1, 2).reshape(b, l, br.width);
        return linear(merged, w.wo, w.bo);
    }

    /** {@code acc + o * weight} (or {@code o * weight} when acc is null). */
    private static Tensor mulAdd(Tensor o, Tensor weight, Tensor acc) {
        return op("mix(elementwise)", () -> acc == null ? o.mul(weight) : acc.add(o.mul(weight)));
    }

    private Tensor block(Branch br, int layer, Tensor x, Tensor[] masks) {
        Block w = br.blocks[layer];
        Tensor x1 = op("residual(elementwise)", () -> x.add(mixtureAttention(br, layer, ln(x, w.ln1g, w.ln1b), masks)));
        Tensor m = linear(quickGelu(linear(ln(x1, w.ln2g, w.ln2b), w.w1, w.b1)), w.w2, w.b2);
        return op("residual(elementwise)", () -> x1.add(m));
    }

    /** images fp32 [B,3,224,224] -> fp32 features [B,512] */
    Tensor encodeImage(Tensor images) {
        long b = images.size(0);
        Tensor patches = op("patchify", () -> images.to(act).view(b, 3, 14, 16, 14, 16).permute(0, 2, 4, 1, 3, 5)
                .reshape(b, 196, 768));
        Tensor x = linear(patches, patchW, null);
        Tensor c = cls.view(1, 1, 768).expand(b, 1, 768);
        Tensor xx = torch.cat(new TensorVector(c, x), 1).add(imgPos);
        x = ln(xx, lnPreG, lnPreB);
        for (int l = 0; l < image.layers; l++) x = block(image, l, x, null);
        Tensor pooled = ln(x.select(1, 0), lnPostG, lnPostB);
        return linear(pooled, imgProj, null).to(Float);
    }

    /** -> fp32 features [C,512]; sequences already truncated after EOT (EOT = last token). */
    Tensor encodeText() {
        Tensor x = torch.embedding(tokEmb, tokens).add(txtPos);
        for (int l = 0; l < text.layers; l++) x = block(text, l, x, textMasks);
        Tensor eot = ln(x.select(1, textTokens - 1), lnFinG, lnFinB);
        return linear(eot, txtProj, null).to(Float);
    }

    static Tensor normalize(Tensor f) {
        return f.mul(f.mul(f).sum(new long[]{-1}, true, new ScalarTypeOptional()).rsqrt());
    }

    /** CLIP logits and cross-entropy, fp32. */
    static Tensor loss(Tensor img, Tensor txt, Tensor labels) {
        Tensor logits = normalize(img).matmul(normalize(txt).t()).mul(new Scalar(100.0));
        return torch.cross_entropy_loss(logits, labels);
    }
}
