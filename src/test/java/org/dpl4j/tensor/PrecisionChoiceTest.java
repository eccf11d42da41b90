package org.dpl4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code --precision} resolves to, fed fake hardware: a CUDA device's compute capability (no GPU
 * here) and a CPU's flags. {@code auto} is bf16 only where bf16 products run on dedicated units.
 */
class PrecisionChoiceTest {
    static final DeviceSpec CUDA0 = DeviceSpec.parse("cuda:0");
    static final CpuFeatures PLAIN_CPU = new CpuFeatures("plain", Set.of("avx2", "fma"));
    static final CpuFeatures BF16_CPU = new CpuFeatures("epyc", Set.of("avx2", "avx512f", "avx512_bf16"));

    @ParameterizedTest(name = "compute capability {0}.{1} ({2}): auto is {3}")
    @CsvSource({
        "6, 1, P100/GTX 10xx, FP32",
        "7, 0, V100, FP32",
        "7, 5, T4, FP32",
        "8, 0, A100, BF16",
        "8, 6, A10/RTX 30xx, BF16",
        "8, 9, L4, BF16",
        "9, 0, H100, BF16",
        "12, 0, Blackwell, BF16"})
    void autoOnCudaIsBf16FromAmpereOn(int major, int minor, String gpu, Precision expected) {
        Precision.Choice c = Precision.choose("auto", CUDA0, BF16_CPU, new ComputeCapability(major, minor));
        assertThat(c.precision()).as(gpu).isEqualTo(expected);
        assertThat(c.emulated()).isFalse();
        assertThat(c.hardware()).contains("compute capability " + major + "." + minor);
        assertThat(c.toString()).startsWith(expected.label() + " (auto: cuda:0 has compute capability");
    }

    @Test
    void bf16AskedForOnAnOlderGpuIsHonouredButMarkedEmulated() {
        Precision.Choice t4 = Precision.choose("bf16", CUDA0, PLAIN_CPU, new ComputeCapability(7, 5));
        assertThat(t4.precision()).isEqualTo(Precision.BF16);
        assertThat(t4.emulated()).isTrue();
        assertThat(t4.toString()).isEqualTo("bf16 (asked for; cuda:0 has compute capability 7.5, below 8.0 (Ampere):"
                + " no bf16 tensor cores; bf16 is emulated here, slower than fp32)");
        assertThat(Precision.choose("bf16", CUDA0, PLAIN_CPU, new ComputeCapability(8, 0)).emulated()).isFalse();
        assertThat(Precision.choose("fp32", CUDA0, PLAIN_CPU, new ComputeCapability(9, 0)).precision()).isEqualTo(Precision.FP32);
    }

    @Test
    void anUnknownCapabilityIsTreatedAsOld() {
        assertThat(Precision.choose("auto", CUDA0, BF16_CPU, null).precision()).isEqualTo(Precision.FP32);
        assertThat(Precision.choose("bf16", CUDA0, BF16_CPU, null).emulated()).isTrue();
    }

    @Test
    void onTheCpuTheFlagsDecide() {
        assertThat(Precision.choose("auto", DeviceSpec.CPU, BF16_CPU, null).toString()).isEqualTo("bf16 (auto: the CPU has avx512_bf16)");
        assertThat(Precision.choose("auto", DeviceSpec.CPU, new CpuFeatures("xeon", Set.of("amx_bf16")), null).precision())
                .isEqualTo(Precision.BF16);
        assertThat(Precision.choose("auto", DeviceSpec.CPU, PLAIN_CPU, null).toString())
                .isEqualTo("fp32 (auto: the CPU has neither AMX-BF16 nor AVX512-BF16)");
        assertThat(Precision.choose("bf16", DeviceSpec.CPU, PLAIN_CPU, null).emulated()).isTrue();
        assertThat(Precision.choose("auto", DeviceSpec.META, BF16_CPU, null).precision()).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> Precision.choose("fp16", DeviceSpec.CPU, PLAIN_CPU, null))
                .hasMessage("--precision must be fp32, bf16 or auto, not 'fp16'");
    }

    @Test
    void theEmulationWarningIsGivenOncePerDevice() {
        DeviceSpec gpu = DeviceSpec.parse("cuda:7");
        Precision.Choice emulated = Precision.choose("bf16", gpu, PLAIN_CPU, new ComputeCapability(7, 0));
        assertThat(Precision.warnIfEmulated(gpu, emulated)).isTrue();
        assertThat(Precision.warnIfEmulated(gpu, emulated)).isFalse();
        DeviceSpec other = DeviceSpec.parse("cuda:6");
        assertThat(Precision.warnIfEmulated(other, Precision.choose("bf16", other, PLAIN_CPU, new ComputeCapability(8, 6))))
                .as("not emulated: no warning").isFalse();
    }
}
