package org.dpl4j.tensor;

import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;

/** A tensor shape as a value: equality, size and the {@code (2, 3)} form that messages print. */
public final class Shape {
    private final long[] dims;

    public Shape(long... dims) {
        this.dims = dims.clone();
    }

    public static Shape of(Tensor t) {
        return new Shape(Tensors.shape(t));
    }

    public long[] dims() {
        return dims.clone();
    }

    public int dimension() {
        return dims.length;
    }

    public long get(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
