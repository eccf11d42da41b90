package org.dpl4j.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import picocli.CommandLine.Option;

/** Options every compute command takes: device and threads. */
final class EngineOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (gpu needs the CUDA natives: mvn -Pgpu). Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--threads", description = "intra-op threads (default: all cores)")
    Integer threads;

    @Option(names = {"-q", "--quiet"}, description = "no progress bars")
    boolean quiet;

    NDManager manager() {
        if (threads != null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        }
        Device d = switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> {
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new IllegalArgumentException("--device gpu: no CUDA device visible to PyTorch"
                            + " (build with mvn -Pgpu for the CUDA natives)");
                }
                yield Device.gpu();
            }
            default -> throw new IllegalArgumentException("--device must be cpu or gpu, got " + device);
        };
        return NDManager.newBaseManager(d);
    }

    org.dpl4j.util.Progress.Factory progress() {
        return ConsoleProgress.factory(quiet);
    }
}
