package org.dpl4j.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.NoGrad;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;

/**
 * The text side of one step, split from the rest of the step at the class text features
 * (docs/design.md §6.11). {@link #forward} computes the features of every class and hands out a
 * leaf copy of them, {@link #features()}; the loss is built and back-propagated on that leaf, giving
 * its gradient; {@link #backward} carries that gradient through the text encoder, chunk by chunk.
 *
 * <p>With one chunk the forward keeps its graph and the backward is the same computation autograd
 * would have run in one pass over the whole step, so the gradients are bit-identical to it. With
 * several, the first {@link TextPass#keep()} chunks keep their graphs from the forward and are
 * back-propagated first; every other chunk is forward-passed without graph, then again with graph for
 * its backward: at most the kept chunks' activations, or one other chunk's, are alive at a time, for
 * the cost of one more forward pass of the chunks not kept.
 */
final class TextGradients {
    private final TextPass pass;
    /** Class indices of each chunk, in the order the backward takes them; the first {@code kept.size()} are kept. */
    private final List<int[]> chunks;
    /** The features of the kept chunks, with their graphs. */
    private final List<Tensor> kept;
    private final Tensor leaf;

    private TextGradients(TextPass pass, List<int[]> chunks, List<Tensor> kept, Tensor leaf) {
        this.pass = pass;
        this.chunks = chunks;
        this.kept = kept;
        this.leaf = leaf;
    }

    /** Encodes every class of {@code pass} (in the caller's scope). */
    static TextGradients forward(TextPass pass) {
        List<int[]> chunks = plan(pass);
        int keep = Math.min(pass.keep(), chunks.size());
        List<Tensor> kept = new ArrayList<>();
        List<Tensor> parts = new ArrayList<>();
        // each chunk in a scope of its own that keeps only the features: the handles of everything else it
        // made would otherwise hold every chunk's activations until the step ends (a kept chunk's graph
        // holds what its backward needs)
        for (int c = 0; c < chunks.size(); c++) {
            try (Scope s = Scope.open(); NoGrad g = c < keep ? null : NoGrad.open()) {
                Tensor f = s.keep(features(pass, chunks.get(c)));
                if (c < keep) {
                    kept.add(f);
                }
                parts.add(f);
            }
        }
        boolean learned = parts.get(0).requires_grad();
        if (chunks.size() == 1) {
            return new TextGradients(pass, chunks, kept, leafOf(parts.get(0), learned));
        }
        List<Tensor> fp32 = new ArrayList<>();
        for (Tensor p : parts) {
            fp32.add(Tensors.fp32(p).detach());
        }
        // the chunks hold the classes in plan order; put the rows back in class order
        int[] planOrder = chunks.stream().flatMapToInt(Arrays::stream).toArray();
        long[] classRow = new long[planOrder.length];
        for (int i = 0; i < planOrder.length; i++) {
            classRow[planOrder[i]] = i;
        }
        Tensor all = Tensors.cat(fp32, 0);
        Tensor ordered = Tensors.rows(all, Tensors.longs(classRow, all.device(), classRow.length));
        return new TextGradients(pass, chunks, kept, ordered.detach().set_requires_grad(learned));
    }

    private static Tensor features(TextPass pass, int[] rows) {
        return pass.features().apply(pass.texts().select(rows));
    }

    /**
     * One chunk for all classes when they fit; else chunks of classes with similar EOT positions (the
     * text encoder runs each chunk only up to its own last EOT, docs/design.md §6.2), the longest first,
     * as few as the limit allows, of sizes as equal as possible.
     */
    private static List<int[]> plan(TextPass pass) {
        int n = pass.classes();
        if (!pass.chunked()) {
            return List.of(IntStream.range(0, n).toArray());
        }
        int[] eot = pass.texts().eot();
        Integer[] byLength = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(byLength, Comparator.comparingInt((Integer i) -> -eot[i]).thenComparingInt(i -> i));
        int count = (n + pass.chunk() - 1) / pass.chunk();
        List<int[]> out = new ArrayList<>();
        int from = 0;
        for (int c = 0; c < count; c++) {
            int[] rows = new int[n / count + (c < n % count ? 1 : 0)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = byLength[from + i];
            }
            from += rows.length;
            Arrays.sort(rows); // ascending class order inside a chunk: a contiguous run is then a view
            out.add(rows);
        }
        return out;
    }

    /**
     * The features as the rest of the step sees them: an fp32 leaf that requires gradients when the
     * features do, so the step's backward stops there and yields their gradient. In fp32 it shares the
     * features' memory; in bf16 it is their fp32 copy, as {@code ClipModel.logits} would make (whose
     * backward casts the gradient back).
     */
    private static Tensor leafOf(Tensor features, boolean learned) {
        return Tensors.fp32(features).detach().set_requires_grad(learned);
    }

    /** (C, E) fp32 text features of every class, in class order: a leaf for the rest of the step. */
    Tensor features() {
        return leaf;
    }

    /**
     * Whether the features depend on a parameter (then {@link #features()} requires gradients and
     * {@link #backward} carries theirs on); a text side outside autograd (frozen CLIP's) is a constant.
     */
    boolean learned() {
        return leaf.requires_grad();
    }

    /**
     * Adds to each of {@code sums} the gradient, with respect to the matching {@code wrt}, of the loss whose
     * gradient with respect to {@link #features()} is {@code grad}.
     */
    void backward(Tensor grad, List<Tensor> wrt, List<Tensor> sums) {
        for (int c = 0; c < chunks.size(); c++) {
            try (Scope s = Scope.open()) {
                int[] rows = chunks.get(c);
                Tensor f = c < kept.size() ? kept.get(c) : features(pass, rows);
                Tensor g = chunks.size() == 1 ? grad
                        : Tensors.rows(grad, Tensors.longs(Arrays.stream(rows).asLongStream().toArray(), grad.device(), rows.length));
                // without retain_graph the backward frees the graph's saved tensors: a kept chunk's too
                List<Tensor> parts = Grads.of(f, g.to(Tensors.dtype(f)), wrt);
                try (NoGrad ng = NoGrad.open()) {
                    for (int i = 0; i < parts.size(); i++) {
                        sums.get(i).add_(parts.get(i));
                    }
                }
            }
        }
    }
}
