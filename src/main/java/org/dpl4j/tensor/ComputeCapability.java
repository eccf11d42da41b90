package org.dpl4j.tensor;

/**
 * A CUDA device's compute capability, {@code major.minor}: 7.0 Volta (V100), 7.5 Turing (T4),
 * 8.0 Ampere (A100), 8.6 (RTX 30xx, A10), 8.9 Ada (L4), 9.0 Hopper (H100).
 */
public record ComputeCapability(int major, int minor) {
    /** Ampere, the first generation whose tensor cores multiply bf16. */
    public static final ComputeCapability BF16_TENSOR_CORES = new ComputeCapability(8, 0);

    public boolean atLeast(ComputeCapability other) {
        return major > other.major || major == other.major && minor >= other.minor;
    }

    /** Whether bf16 products run on tensor cores here, rather than emulated in fp32 units. */
    public boolean hasBf16TensorCores() {
        return atLeast(BF16_TENSOR_CORES);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
