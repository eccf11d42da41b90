package org.dpl4j.cli;

import org.dpl4j.tensor.CpuFeatures;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Torch;
import picocli.CommandLine.Option;

/** Options every compute command takes: device, precision and threads. */
final class EngineOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV",
            description = "cpu, cuda or cuda:N (gpu is read as cuda; needs the CUDA natives: mvn -Pgpu). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--precision", defaultValue = "${sys:dpl4j.precision:-auto}", paramLabel = "P",
            description = "fp32, bf16 or auto: the frozen CLIP weights' dtype (prompts, optimiser state, softmax and loss stay fp32);"
                    + " auto is bf16 on a CUDA device of compute capability 8.0 or more (Ampere and later) or a CPU with AMX-BF16/AVX512-BF16, else fp32"
                    + " (embed: fp32, its features leave the program; README, \"What auto means\"). Default: ${DEFAULT-VALUE}.")
    String precision;

    @Option(names = "--threads", description = "intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "no progress bars")
    boolean quiet;

    /**
     * Where the model goes: the device and the resolved precision, checked (a CUDA device that is not
     * there fails here, naming --device). Applies {@code --threads} first.
     */
    Placement placement() {
        return placement(precision);
    }

    /**
     * As {@link #placement()}, with {@code auto} meaning fp32: for features that leave the program
     * ({@code embed}), whose users expect CLIP's own features, not bf16-computed ones.
     */
    Placement exactPlacement() {
        return placement(precision == null || precision.trim().equalsIgnoreCase("auto") ? "fp32" : precision);
    }

    private Placement placement(String precision) {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
            }
            Torch.threads(threads);
        }
        DeviceSpec d = DeviceSpec.parse(device);
        Placement p = new Placement(d, Precision.resolve(precision, d, CpuFeatures.detect()));
        p.torchDevice(); // fails with one line naming --device when no such GPU is usable
        return p;
    }

    org.dpl4j.util.Progress.Factory progress() {
        return ConsoleProgress.factory(quiet);
    }
}
