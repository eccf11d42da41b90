package org.dpl4j.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.Ops;
import org.dpl4j.tensor.Grads;
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
 * several, the chunks are forward-passed without graph (the last one excepted, whose graph is kept
 * and used first), and every other chunk is forward-passed again with graph for its backward: at most
 * one chunk's activations are alive at a time, for the cost of one more forward pass.
 */
final class TextGradients {
    private final TextPass pass;
    /** Class indices of each chunk, in the order the backward takes them. */
    private final List<int[]> chunks;
    /** The features of {@code chunks.get(0)}, with their graph. */
    private final Tensor kept;
    private final Tensor leaf;

    private TextGradients(TextPass pass, List<int[]> chunks, Tensor kept, Tensor leaf) {
        this.pass = pass;
        this.chunks = chunks;
        this.kept = kept;
        this.leaf = leaf;
    }

    /** Encodes every class of {@code pass} (in the caller's scope). */
    static TextGradients forward(TextPass pass) {
        List<int[]> chunks = plan(pass);
        if (chunks.size() == 1) {
            Tensor f;
            try (Scope s = Scope.open()) {
                f = s.keep(pass.features().apply(pass.texts()));
            }
            return new TextGradients(pass, chunks, f, leafOf(f));
        }
        int last = chunks.size() - 1;
        List<Tensor> parts = new ArrayList<>();
        // each chunk in a scope of its own, which keeps only the features: the handles of everything else
        // it made would otherwise hold every chunk's activations until the step ends
        try (NoGradGuard g = new NoGradGuard()) {
            for (int c = last; c > 0; c--) {
                try (Scope s = Scope.open()) {
                    parts.add(s.keep(Ops.fp32(pass.features().apply(pass.texts().select(chunks.get(c))))));
                }
            }
        }
        Tensor kept;
        try (Scope s = Scope.open()) {
            kept = s.keep(pass.features().apply(pass.texts().select(chunks.get(0)))); // its graph holds what backward needs
        }
        parts.add(Ops.fp32(kept).detach());
        // the chunks were computed in reverse plan order; put the rows back in class order
        int[] planOrder = IntStream.range(0, chunks.size()).map(i -> last - i)
                .flatMap(c -> Arrays.stream(chunks.get(c))).toArray();
        long[] classRow = new long[planOrder.length];
        for (int i = 0; i < planOrder.length; i++) {
            classRow[planOrder[i]] = i;
        }
        Tensor all = Tensors.cat(parts, 0);
        Tensor ordered = all.index_select(0, Tensors.longs(classRow, all.device(), classRow.length));
        return new TextGradients(pass, chunks, kept, ordered.detach().set_requires_grad(true));
    }

    /**
     * One chunk for all classes when they fit; else chunks of classes with similar EOT positions (the
     * text encoder runs each chunk only up to its own last EOT, docs/design.md §6.2), the longest first.
     */
    private static List<int[]> plan(TextPass pass) {
        int n = pass.classes();
        if (!pass.chunked()) {
            return List.of(IntStream.range(0, n).toArray());
        }
        int[] eot = pass.texts().eot();
        Integer[] byLength = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(byLength, Comparator.comparingInt((Integer i) -> -eot[i]).thenComparingInt(i -> i));
        // as few chunks as the limit allows, of sizes as equal as possible: the first pass keeps one chunk's graph
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
     * The features as the rest of the step sees them: an fp32 leaf that requires gradients, so the step's
     * backward stops there and yields their gradient. In fp32 it shares the features' memory; in bf16 it
     * is their fp32 copy, as {@code ClipModel.logits} would make (whose backward casts the gradient back).
     */
    private static Tensor leafOf(Tensor features) {
        return Ops.fp32(features).detach().set_requires_grad(true);
    }

    /** (C, E) fp32 text features of every class, in class order: a leaf for the rest of the step. */
    Tensor features() {
        return leaf;
    }

    /**
     * Adds to each of {@code sums} the gradient, with respect to the matching {@code wrt}, of the loss whose
     * gradient with respect to {@link #features()} is {@code grad}.
     */
    void backward(Tensor grad, List<Tensor> wrt, List<Tensor> sums) {
        for (int c = 0; c < chunks.size(); c++) {
            try (Scope s = Scope.open()) {
                int[] rows = chunks.get(c);
                Tensor f = c == 0 ? kept : pass.features().apply(pass.texts().select(rows));
                Tensor g = chunks.size() == 1 ? grad
                        : grad.index_select(0, Tensors.longs(Arrays.stream(rows).asLongStream().toArray(), grad.device(),
                                rows.length));
                // without retain_graph the backward frees the graph's saved tensors: the kept chunk's too
                List<Tensor> parts = Grads.of(f, g.to(Tensors.dtype(f)), wrt);
                try (NoGradGuard ng = new NoGradGuard()) {
                    for (int i = 0; i < parts.size(); i++) {
                        sums.get(i).add_(parts.get(i));
                    }
                }
            }
        }
    }
}
