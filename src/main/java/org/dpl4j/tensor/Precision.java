package org.dpl4j.tensor;

import java.util.Locale;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The dtype the frozen CLIP weights and its activations are held in. Learnable tensors (prompts,
 * alphas), optimiser state, softmax, LayerNorm statistics and the loss stay fp32 in every mode
 * (docs/design.md, "Precision").
 */
public enum Precision {
    FP32(ScalarType.Float),
    BF16(ScalarType.BFloat16);

    private final ScalarType type;

    Precision(ScalarType type) {
        this.type = type;
    }

    public ScalarType type() {
        return type;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code fp32}, {@code bf16} or {@code auto}: bf16 where the CPU has AMX-BF16 or AVX512-BF16
     * (or on a CUDA device, whose bf16 tensor cores every supported GPU has), else fp32.
     */
    public static Precision resolve(String option, DeviceSpec device, CpuFeatures cpu) {
        String o = option == null ? "auto" : option.trim().toLowerCase(Locale.ROOT);
        return switch (o) {
            case "fp32", "float32", "float" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            case "auto" -> device.isCuda() ? (device.cudaBf16() ? BF16 : FP32) : (cpu.fastBf16() ? BF16 : FP32);
            default -> throw new IllegalArgumentException("--precision must be fp32, bf16 or auto, not '" + option + "'");
        };
    }
}
