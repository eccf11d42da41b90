package org.dpl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.dpl4j.tensor.CudaDevices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code dpl4j doctor} on this machine: the report's sections, the self-test passing on the CPU in
 * fp32 and bf16, and {@code --device cuda} without a usable GPU failing in one line that says why.
 */
class DoctorCommandTest {
    @ParameterizedTest
    @ValueSource(strings = {"fp32", "bf16"})
    void reportsTheMachineAndPassesOnTheCpu(String precision) {
        Cli.Result r = Cli.run("doctor", "--precision", precision);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("engine     libtorch 2.10.0 through org.bytedeco:pytorch 2.10.0-1.5.13")
                .containsPattern("natives    /\\S+/: .*libtorch_cpu\\.so")
                .containsPattern("\\ncpu        .+")
                .contains("\ncuda       ")
                .containsPattern("\\nauto       cpu: (bf16|fp32) \\(auto: the CPU has")
                .contains("self-test  cpu, " + precision)
                .containsPattern("supernet step +\\S+ <= ")
                .containsPattern("train step +\\S+ <= ")
                .contains("tolerances: " + precision + "'s")
                .contains("doctor: OK: cpu/" + precision);
        if (precision.equals("bf16")) {
            assertThat(r.out()).as("bf16 really differs from fp32").doesNotContainPattern("supernet step +0\\.0 ");
        }
        System.out.print(r.out());
    }

    @Test
    void cudaWithoutAGpuFailsInOneLine() {
        assumeTrue(CudaDevices.count() == 0, "a CUDA device is usable here");
        Cli.Result r = Cli.run("doctor", "--device", "cuda");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("engine ").contains("\ncuda       ").doesNotContain("self-test");
        assertThat(r.errLines()).containsExactly("dpl4j doctor: error: --device cuda:0: no usable CUDA device (this build has "
                + (CudaDevices.nativesHaveCuda() ? "CUDA support but found no GPU or driver" : "CPU natives only; build with mvn -Pgpu package")
                + ")");
    }
}
