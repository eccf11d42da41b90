package org.dpl4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.pytorch.global.torch;
import org.dpl4j.bench.SelfTest;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.tensor.CpuFeatures;
import org.dpl4j.tensor.CudaDevices;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dpl4j doctor}: the first thing to run on a new machine. It says which engine is loaded and
 * from where, what the CPU and the CUDA devices can do, what {@code --precision auto} resolves to
 * and why, then runs {@link SelfTest} on {@code --device}/{@code --precision} against the CPU in
 * fp32. Exit code 0 when the self-test is within tolerance, else 1 with one line naming what failed.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check this machine: engine, natives, CPU, CUDA devices, what --precision auto picks;"
                + " then a search step and a train step of a random tiny CLIP on --device/--precision against the CPU in fp32.",
            "Run it first on a new machine, and on a GPU before anything else."})
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CpuFeatures cpu = CpuFeatures.detect();
        out.printf("dpl4j doctor (dpl4j %s)%n", org.dpl4j.util.Version.get());
        engine(out);
        out.printf("%-10s %s: %s%s%n", "cpu", cpu.model(), cpu.flags().isEmpty() ? "no flags read" : String.join(" ", sorted(cpu)),
                cpu.fastBf16() ? "" : " (no AMX-BF16 or AVX512-BF16: bf16 is emulated, about 20x slower than fp32)");
        List<DeviceSpec> devices = cuda(out);
        for (DeviceSpec d : devices) {
            out.printf("%-10s %s: %s%n", d == devices.get(0) ? "auto" : "", d,
                    Precision.choose("auto", d, cpu, Precision.capability(d)));
        }
        out.flush();

        Placement p = engine.placement(); // fails here, in one line, when --device is not usable
        Precision.Choice chosen = Precision.choose(engine.precision, p.device(), cpu, Precision.capability(p.device()));
        ClipConfig c = SelfTest.TINY;
        out.printf("%-10s %s, %s against cpu, fp32: one supernet step and one train step of a random tiny CLIP"
                + " (%d+%d blocks, width %d, %d px)%n", "self-test", p.device(), chosen, c.textLayers(), c.visionLayers(),
                c.textWidth(), c.imageResolution());
        out.flush();
        SelfTest.Result r = SelfTest.run(p);
        Precision.Tolerance t = r.tolerance();
        out.printf("  %-14s %-18s %-18s %-26s %-9s %s%n", "", "logits (abs)", "loss (abs)", "gradients (rel, worst)", "seconds",
                "cpu fp32 seconds");
        for (SelfTest.StepCheck s : r.steps()) {
            out.printf("  %-14s %-18s %-18s %-26s %-9.3f %.3f%n", s.step(), within(s.logitError(), t.logits()),
                    within(s.lossError(), t.loss()), within(s.gradError(), t.gradRel()), s.seconds(), s.cpuFp32Seconds());
        }
        for (SelfTest.StepCheck s : r.cpuSamePrecision()) {
            out.printf("  %-14s %-18s %-18s %-26s (the CPU's own %s, for comparison)%n", s.step(), String.format("%.2g", s.logitError()),
                    String.format("%.2g", s.lossError()), String.format("%.2g", s.gradError()), p.precision().label());
        }
        out.printf("  tolerances: %s's (%s)%n", p.precision().label(),
                p.precision() == Precision.BF16 ? "Bf16GradientTest" : "the golden parity tests");
        out.flush();
        r.failure().ifPresent(f -> {
            throw new IllegalStateException("self-test failed: " + f);
        });
        out.printf("doctor: OK: %s computes the steps as the CPU does in fp32, within %s's tolerances%n", p, p.precision().label());
        out.flush();
        return 0;
    }

    private static String within(float error, float tolerance) {
        return String.format("%.2g %s %.2g", error, error <= tolerance ? "<=" : "> ", tolerance);
    }

    private static List<String> sorted(CpuFeatures cpu) {
        return cpu.flags().stream().sorted().toList();
    }

    /** libtorch's version and build, and the native files really mapped, grouped by folder. */
    private static void engine(PrintWriter out) {
        boolean cuda = CudaDevices.nativesHaveCuda();
        out.printf("%-10s libtorch %s through org.bytedeco:pytorch %s, %s natives; kernels %s, BLAS %s, intra-op threads %d%n", "engine",
                Torch.version(), Torch.bindingVersion(), cuda ? "CUDA" : "CPU-only", Torch.cpuCapability(),
                Torch.buildSetting("BLAS_INFO", "?"), Torch.threads());
        Map<Path, List<String>> byFolder = new LinkedHashMap<>();
        for (String lib : Torch.mappedNativeLibraries()) {
            Path p = Path.of(lib);
            byFolder.computeIfAbsent(p.getParent(), k -> new ArrayList<>()).add(p.getFileName().toString());
        }
        String label = "natives";
        for (Map.Entry<Path, List<String>> e : byFolder.entrySet()) {
            out.printf("%-10s %s/: %s%n", label, e.getKey(), String.join(" ", e.getValue()));
            label = "";
        }
        if (byFolder.isEmpty()) {
            out.printf("%-10s (no /proc/self/maps: cannot list them)%n", label);
        }
    }

    /** The CUDA devices, described; returns the devices to resolve {@code auto} for (the CPU first). */
    private static List<DeviceSpec> cuda(PrintWriter out) {
        List<DeviceSpec> devices = new ArrayList<>(List.of(DeviceSpec.CPU));
        if (!CudaDevices.nativesHaveCuda()) {
            out.printf("%-10s none: these natives are CPU-only (a GPU needs the CUDA build: mvn -Pgpu package)%n", "cuda");
            return devices;
        }
        String driver = CudaDevices.driverVersion().map(CudaDevices::versionString).orElse("unknown");
        String runtime = CudaDevices.runtimeVersion().map(CudaDevices::versionString).orElse("unknown");
        long cudnn = torch.getCUDAHooks().versionCuDNN();
        int n = CudaDevices.count();
        out.printf("%-10s CUDA natives (runtime %s, cuDNN %d); driver %s; %d device(s) usable%n", "cuda", runtime, cudnn, driver, n);
        for (CudaDevices.Info info : CudaDevices.all()) {
            out.printf("%-10s %s%n", "", info);
            devices.add(new DeviceSpec("cuda", info.index()));
        }
        if (n == 0) {
            out.printf("%-10s no GPU or no driver visible to libtorch (nvidia-smi should list the GPU)%n", "");
        }
        return devices;
    }
}
