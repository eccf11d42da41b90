package org.dpl4j.tensor;

import java.util.Locale;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The dtype the frozen CLIP weights and its activations are held in. Learnable tensors (prompts,
 * alphas), optimiser state, softmax, LayerNorm statistics and the loss stay fp32 in every mode
 * (docs/design.md, "Precision").
 */
public enum Precision {
    /** Tolerances of the golden parity tests (another implementation, fp32; measured differences ~1e-6). */
    FP32(ScalarType.Float, new Tolerance(1e-4f, 1e-4f, 1e-4f)),
    /**
     * Tolerances of {@code Bf16GradientTest} (bf16 against fp32 on the golden tiny and the bundled small CLIP)
     * and of {@code dpl4j doctor}. The gradient bound is 0.2 because bf16's own error on a random tiny CLIP
     * spreads that far: over 20 weight draws of the doctor's model, 0.036–0.148 (the doctor's draw 0.087);
     * at 0.1 a third of them failed on a healthy CPU (docs/design.md, {@code dpl4j doctor}).
     */
    BF16(ScalarType.BFloat16, new Tolerance(0.3f, 0.02f, 0.2f));

    private final ScalarType type;
    private final Tolerance tolerance;

    Precision(ScalarType type, Tolerance tolerance) {
        this.type = type;
        this.tolerance = tolerance;
    }

    public ScalarType type() {
        return type;
    }

    /** How far a step in this precision may be from the same step in fp32 on the CPU. */
    public Tolerance tolerance() {
        return tolerance;
    }

    /**
     * A step's measured tolerance against the same step in fp32 on the CPU: the largest absolute
     * error of the logits and of the loss, and the worst gradient error relative to the gradient's
     * largest element ({@code max|g − g32| / max|g32|}, worst tensor).
     */
    public record Tolerance(float logits, float loss, float gradRel) {}

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code fp32}, {@code bf16} or {@code auto} on {@code device} ({@link #choose}, with the CUDA
     * device's compute capability read from the driver). Asking for bf16 where it is emulated warns
     * once per process and device.
     */
    public static Precision resolve(String option, DeviceSpec device, CpuFeatures cpu) {
        Choice c = choose(option, device, cpu, capability(device));
        warnIfEmulated(device, c);
        return c.precision();
    }

    /** The compute capability of a CUDA device libtorch can use, else null. */
    public static ComputeCapability capability(DeviceSpec device) {
        return device.isCuda() && device.index() < CudaDevices.count() ? CudaDevices.describe(device.index()).capability() : null;
    }

    /** Logs, once per process and device, that bf16 was asked for where it is emulated; true when it did. */
    static boolean warnIfEmulated(DeviceSpec device, Choice c) {
        if (c.emulated() && WARNED.add(device.toString())) {
            LOG.warn("--precision bf16 on {}: {}; bf16 is emulated there and slower than fp32", device, c.hardware());
            return true;
        }
        return false;
    }

    /**
     * What {@code option} means on {@code device}: bf16 for {@code auto} exactly where bf16 products
     * run on dedicated units — a CUDA device of compute capability 8.0 or more (Ampere and later; T4
     * and V100 have no bf16 tensor cores), a CPU with AMX-BF16 or AVX512-BF16 — else fp32. Pure: the
     * facts are arguments, so tests feed it any capability.
     *
     * @param cuda the CUDA device's compute capability (null when unknown or not a CUDA device)
     */
    public static Choice choose(String option, DeviceSpec device, CpuFeatures cpu, ComputeCapability cuda) {
        String o = option == null ? "auto" : option.trim().toLowerCase(Locale.ROOT);
        boolean units;
        String hardware;
        if (device.isCuda()) {
            units = cuda != null && cuda.hasBf16TensorCores();
            hardware = cuda == null ? device + " of unknown compute capability"
                    : device + " has compute capability " + cuda + (units ? ", bf16 tensor cores"
                            : ", below " + ComputeCapability.BF16_TENSOR_CORES + " (Ampere): no bf16 tensor cores");
        } else if (device.isMeta()) {
            units = false;
            hardware = "the meta device holds no data";
        } else {
            units = cpu.fastBf16();
            hardware = units ? "the CPU has " + String.join(" and ", cpu.bf16Flags())
                    : "the CPU has neither AMX-BF16 nor AVX512-BF16";
        }
        return switch (o) {
            case "fp32", "float32", "float" -> new Choice(FP32, "asked for", hardware, false);
            case "bf16", "bfloat16" -> new Choice(BF16, "asked for", hardware, !units);
            case "auto" -> new Choice(units ? BF16 : FP32, "auto", hardware, false);
            default -> throw new IllegalArgumentException("--precision must be fp32, bf16 or auto, not '" + option + "'");
        };
    }

    /**
     * A resolved {@code --precision}: the precision, how it was chosen ({@code auto} or {@code asked
     * for}), the hardware fact that decided it, and whether bf16 was asked for where it is emulated.
     */
    public record Choice(Precision precision, String how, String hardware, boolean emulated) {
        @Override
        public String toString() {
            // "auto: <fact>" is the reason; after "asked for" the hardware fact is only context
            return precision.label() + " (" + how + ("auto".equals(how) ? ": " : "; ") + hardware
                    + (emulated ? "; bf16 is emulated here, slower than fp32" : "") + ")";
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Precision.class);
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
