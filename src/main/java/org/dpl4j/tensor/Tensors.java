package org.dpl4j.tensor;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The facade over the binding for everything dpl4j does with a tensor besides calling its plain
 * methods: conversions between Java arrays and tensors, dtype checks, arithmetic with a Java
 * number, and the reductions and element-wise functions whose binding signatures need option or
 * scalar wrappers. Code outside this package uses these instead of {@code Scalar},
 * {@code ScalarOptional}, {@code LongOptional} or {@code ScalarType}. Tensors made from Java data
 * are always copies into memory libtorch owns (never views of a Java buffer), so autograd may keep
 * them for as long as it likes. Results are created in the calling thread's {@link Scope}.
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

    /** An fp64 CPU copy of {@code data}, for values that must survive a checkpoint exactly. */
    public static Tensor doubles(double[] data, long... shape) {
        checkSize(data.length, shape);
        try (DoublePointer dp = new DoublePointer(data)) {
            return torch.from_blob(dp, shape, new TensorOptions(ScalarType.Double)).clone();
        }
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

    /** Zeros of {@code like}'s shape, type and device ({@code torch.zeros_like}). */
    public static Tensor zerosLike(Tensor like) {
        return torch.zeros_like(like);
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

    /** fp32 samples of N(0, 1) on {@code device} (null: the CPU), from libtorch's global generator. */
    public static Tensor randn(Device device, long... shape) {
        return torch.randn(shape, fp32(device));
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

    /** Every element as float64, row-major (copied to the CPU when needed). */
    public static double[] toDoubles(Tensor t) {
        Tensor c = cpuContiguous(t, ScalarType.Double);
        double[] out = new double[(int) c.numel()];
        if (out.length > 0) {
            new DoublePointer(c.data_ptr_double()).capacity(out.length).get(out);
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

    /** The L2 norm over {@code dim}. */
    public static Tensor norm(Tensor t, long dim, boolean keepDim) {
        return t.norm(new ScalarOptional(new Scalar(2.0)), new long[] {dim}, keepDim);
    }

    /** The index of the largest value over {@code dim} (that dimension dropped). */
    public static Tensor argmax(Tensor t, long dim) {
        return t.argmax(new LongOptional(dim), false);
    }

    /** The element-wise maximum of two tensors (broadcast). */
    public static Tensor maximum(Tensor a, Tensor b) {
        return torch.maximum(a, b);
    }

    /** {@code t} clamped to {@code [lo, hi]}. */
    public static Tensor clamp(Tensor t, double lo, double hi) {
        return t.clamp(new ScalarOptional(new Scalar(lo)), new ScalarOptional(new Scalar(hi)));
    }

    /** {@code x · s}; the scalar is copied into the autograd graph by value. */
    public static Tensor mul(Tensor x, float s) {
        return x.mul(new Scalar(s));
    }

    /** {@code x · s} for a weight computed in double precision (kept exact, as the reference's Python float). */
    public static Tensor mul(Tensor x, double s) {
        return x.mul(new Scalar(s));
    }

    /** {@code x / s}; the scalar is copied into the autograd graph by value. */
    public static Tensor div(Tensor x, float s) {
        return x.div(new Scalar(s));
    }

    /** {@code x + s}. */
    public static Tensor add(Tensor x, float s) {
        return x.add(new Scalar(s));
    }

    /** {@code x *= s} in place; returns {@code x}. */
    public static Tensor mulInPlace(Tensor x, float s) {
        return x.mul_(new Scalar(s));
    }

    /** {@code x} in fp32 (itself when it already is), differentiably. */
    public static Tensor fp32(Tensor x) {
        return is(x, ScalarType.Float) ? x : x.to(ScalarType.Float);
    }

    /** {@code x} as an fp32 copy on {@code device} (itself when it already is both). */
    public static Tensor fp32(Tensor x, Device device) {
        return x.to(device, ScalarType.Float);
    }

    /** {@code x} in fp16, the dtype of OpenAI's released weights (itself when it already is). */
    public static Tensor fp16(Tensor x) {
        return x.to(ScalarType.Half);
    }

    public static boolean is(Tensor t, Precision precision) {
        return is(t, precision.type());
    }

    /** {@code x} in {@code precision} (itself when it already is), differentiably. */
    public static Tensor to(Tensor x, Precision precision) {
        return is(x, precision.type()) ? x : x.to(precision.type());
    }

    /** {@code a @ b} with {@code a} cast to {@code b}'s dtype when they differ (as autocast would). */
    public static Tensor matmul(Tensor a, Tensor b) {
        return (a.scalar_type().value == b.scalar_type().value ? a : a.to(dtype(b))).matmul(b);
    }

    /**
     * {@code x @ wT + b}. In bf16 mode frozen weights are bf16 while prompts are fp32: the operand
     * is cast to the weights' dtype (differentiably), as autocast would.
     */
    public static Tensor affine(Tensor x, Tensor wT, Tensor b) {
        return matmul(x, wT).add(b);
    }

    /** Overwrites {@code target} in place with {@code source} (broadcast), outside autograd. */
    public static void copyInto(Tensor target, Tensor source) {
        try (NoGradGuard g = new NoGradGuard()) {
            target.copy_(source);
        }
    }

    /** Fills {@code target} with {@code value} in place, NaN and inf included, outside autograd. */
    public static void fill(Tensor target, float value) {
        try (NoGradGuard g = new NoGradGuard()) {
            target.fill_(new Scalar(value));
        }
    }

    /**
     * |x|. libtorch's C++ build has no meta kernel for {@code abs}; on meta it is spelled
     * {@code x · sign(x)} (the same gradient, sign(x)), whose operations have meta kernels and check
     * devices (docs/design.md §11).
     */
    public static Tensor abs(Tensor x) {
        return x.device().is_meta() ? x.mul(x.sign()) : x.abs();
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
