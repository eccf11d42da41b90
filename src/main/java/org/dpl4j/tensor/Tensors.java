package org.dpl4j.tensor;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Conversions between Java arrays and tensors, and the reductions whose binding signatures are
 * long. Tensors made from Java data are always copies into memory libtorch owns (never views of a
 * Java buffer), so autograd may keep them for as long as it likes.
 */
public final class Tensors {
    private Tensors() {}

    static {
        Torch.init();
    }

    /** An fp32 CPU copy of {@code data} with {@code shape} (no shape: a 0-d tensor of one value). */
    public static Tensor floats(float[] data, long... shape) {
        checkSize(data.length, shape);
        try (FloatPointer fp = new FloatPointer(data)) {
            return torch.from_blob(fp, shape, new TensorOptions(ScalarType.Float)).clone();
        }
    }

    /** An fp32 copy of {@code data} on {@code device}. */
    public static Tensor floats(float[] data, Device device, long... shape) {
        Tensor cpu = floats(data, shape);
        return onCpu(device) ? cpu : cpu.to(device, ScalarType.Float);
    }

    /** An int64 CPU copy of {@code data}. */
    public static Tensor longs(long[] data, long... shape) {
        checkSize(data.length, shape);
        try (LongPointer lp = new LongPointer(data)) {
            return torch.from_blob(lp, shape, new TensorOptions(ScalarType.Long)).clone();
        }
    }

    public static Tensor longs(long[] data, Device device, long... shape) {
        Tensor cpu = longs(data, shape);
        return onCpu(device) ? cpu : cpu.to(device, ScalarType.Long);
    }

    /**
     * The dtype of {@code t} as the canonical enum constant. The binding returns enum objects that
     * carry only their {@code value} (ordinal 0, no name), so {@code ==}, {@code equals} and
     * {@code switch} on {@code t.scalar_type()} silently fail: always go through this.
     */
    public static ScalarType dtype(Tensor t) {
        int v = t.scalar_type().value;
        for (ScalarType s : ScalarType.values()) {
            if (s.value == v) {
                return s;
            }
        }
        throw new IllegalStateException("unknown scalar type " + v);
    }

    public static boolean is(Tensor t, ScalarType type) {
        return t.scalar_type().value == type.value;
    }

    /** A 0-d tensor with {@code like}'s type and device. */
    public static Tensor scalarLike(Tensor like, double value) {
        return torch.full(new long[0], new Scalar(value), like(like));
    }

    /** Zeros of {@code shape} with {@code like}'s type and device. */
    public static Tensor zerosLike(Tensor like, long... shape) {
        return torch.zeros(shape, like(like));
    }

    /** {@code t}'s dtype and device. */
    public static TensorOptions like(Tensor t) {
        return new TensorOptions(dtype(t)).device(new org.bytedeco.pytorch.DeviceOptional(t.device()));
    }

    /** fp32 zeros on {@code device} (null: the CPU). */
    public static Tensor zeros(Device device, long... shape) {
        return torch.zeros(shape, fp32(device));
    }

    public static Tensor ones(Device device, long... shape) {
        return torch.ones(shape, fp32(device));
    }

    /** fp32 on {@code device} (null: the CPU). */
    public static TensorOptions fp32(Device device) {
        TensorOptions o = new TensorOptions(ScalarType.Float);
        return device == null ? o : o.device(new org.bytedeco.pytorch.DeviceOptional(device));
    }

    /** Every element as fp32, row-major (copied to the CPU when needed). */
    public static float[] toFloats(Tensor t) {
        Tensor c = cpuContiguous(t, ScalarType.Float);
        float[] out = new float[(int) c.numel()];
        if (out.length > 0) {
            new FloatPointer(c.data_ptr_float()).capacity(out.length).get(out);
        }
        return out;
    }

    public static long[] toLongs(Tensor t) {
        Tensor c = cpuContiguous(t, ScalarType.Long);
        long[] out = new long[(int) c.numel()];
        if (out.length > 0) {
            new LongPointer(c.data_ptr_long()).capacity(out.length).get(out);
        }
        return out;
    }

    /** The raw bytes of {@code t} (CPU, contiguous, in its own dtype), for writing files. */
    public static byte[] toBytes(Tensor t) {
        Tensor c = t.device().is_cpu() ? t.contiguous() : t.to(new Device(torch.DeviceType.CPU), dtype(t)).contiguous();
        byte[] out = new byte[(int) c.nbytes()];
        if (out.length > 0) {
            new BytePointer(c.data_ptr()).capacity(out.length).get(out);
        }
        return out;
    }

    /** The single value of a one-element tensor, as a float. */
    public static float item(Tensor t) {
        return t.item().toFloat();
    }

    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }

    /** {@code (2, 3, 4)} style, for messages. */
    public static String shapeString(Tensor t) {
        StringBuilder sb = new StringBuilder("(");
        long[] s = shape(t);
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(s[i]);
        }
        return sb.append(')').toString();
    }

    public static Tensor sum(Tensor t, long dim, boolean keepDim) {
        return t.sum(new long[] {dim}, keepDim, new ScalarTypeOptional());
    }

    public static Tensor mean(Tensor t, long dim, boolean keepDim) {
        return t.mean(new long[] {dim}, keepDim, new ScalarTypeOptional());
    }

    /** Maximum over {@code dim} (values only). */
    public static Tensor max(Tensor t, long dim, boolean keepDim) {
        return t.amax(new long[] {dim}, keepDim);
    }

    /**
     * Rows {@code index} (N) of the 2-D {@code t}: {@code t.index_select(0, index)}, computed as a
     * {@code gather}, which gives the same values (and the same gradient for distinct indices) and,
     * unlike {@code index_select}, has a meta kernel in libtorch's C++ build, so the meta-device test
     * can run the text encoder (docs/design.md §11).
     */
    public static Tensor rows(Tensor t, Tensor index) {
        return t.gather(0, index.unsqueeze(1).expand(index.size(0), t.size(1)));
    }

    public static Tensor cat(List<Tensor> parts, long dim) {
        return torch.cat(new TensorVector(parts.toArray(new Tensor[0])), dim);
    }

    public static List<Tensor> list(TensorVector v) {
        List<Tensor> out = new ArrayList<>((int) v.size());
        for (long i = 0; i < v.size(); i++) {
            out.add(v.get(i));
        }
        return out;
    }

    private static boolean onCpu(Device d) {
        return d == null || d.is_cpu();
    }

    private static Tensor cpuContiguous(Tensor t, ScalarType type) {
        Tensor c = t.device().is_cpu() ? t : t.to(new Device(torch.DeviceType.CPU), dtype(t));
        if (!is(c, type)) {
            c = c.to(type);
        }
        return c.contiguous();
    }

    private static void checkSize(int n, long[] shape) {
        long size = 1;
        for (long s : shape) {
            size *= s;
        }
        if (size != n) {
            throw new IllegalArgumentException(n + " values do not fill shape " + java.util.Arrays.toString(shape));
        }
    }
}
