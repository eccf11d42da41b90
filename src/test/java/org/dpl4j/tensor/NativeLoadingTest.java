package org.dpl4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * The libtorch in use is the one bundled in the JavaCPP jars, even where another libtorch is
 * installed system-wide (Debian's python3-torch puts libtorch.so and libc10.so in
 * /usr/lib/x86_64-linux-gnu, the linker's default path) or named on LD_LIBRARY_PATH.
 */
class NativeLoadingTest {
    static final Path DEBIAN_TORCH = Path.of("/usr/lib/x86_64-linux-gnu/libtorch_cpu.so");

    @Test
    void everyMappedTorchLibraryComesFromTheJavaCppCache() throws Exception {
        List<String> mapped = Torch.mappedTorchLibraries();
        String cache = Loader.getCacheDir().getCanonicalPath();
        System.out.println("libtorch loaded from " + Torch.loadedFrom() + "; mapped: " + mapped);
        assertThat(mapped).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith(cache));
        assertThat(Torch.cpuCapability()).isNotBlank();
    }

    /** A fresh JVM with the system libtorch first on LD_LIBRARY_PATH still maps only the bundled one. */
    @Test
    void aSystemLibtorchOnTheLibraryPathIsNotPicked() throws Exception {
        assumeTrue(Files.exists(DEBIAN_TORCH), "no system libtorch installed (apt-get install python3-torch)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", DEBIAN_TORCH.getParent() + ":" + pb.environment().getOrDefault("LD_LIBRARY_PATH", ""));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.println(out);
        assertThat(p.exitValue()).as(out).isZero();
        String cache = Loader.getCacheDir().getCanonicalPath();
        List<String> libs = out.lines().filter(l -> l.startsWith("mapped ")).map(l -> l.substring(7)).toList();
        assertThat(libs).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith(cache).doesNotContain(DEBIAN_TORCH.getParent().toString()));
        assertThat(out).contains("sum 6.0");
    }

    /**
     * A fresh JVM computes on every CPU it may use (the documented default of --threads), whatever pool
     * size libtorch picks on its own (1 of 2 on a 2-vCPU AMD EPYC guest), and OMP_NUM_THREADS still rules.
     */
    @Test
    void theDefaultIntraOpThreadsAreEveryCpuUnlessOmpNumThreadsSaysOtherwise() throws Exception {
        assertThat(threadsOfAFreshJvm(null)).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(threadsOfAFreshJvm("1")).isEqualTo(1);
    }

    private static int threadsOfAFreshJvm(String ompNumThreads) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ThreadsProbe.class.getName()).redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        if (ompNumThreads != null) {
            pb.environment().put("OMP_NUM_THREADS", ompNumThreads);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("threads ")).mapToInt(l -> Integer.parseInt(l.substring(8).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no threads line in: " + out));
    }

    /** Child process: the intra-op threads after loading. */
    public static final class ThreadsProbe {
        public static void main(String[] args) {
            System.out.println("threads " + Torch.threads());
        }
    }

    /** Child process: load, compute, and list what is mapped. */
    public static final class Probe {
        public static void main(String[] args) {
            float sum = Tensors.item(Tensors.floats(new float[] {1, 2, 3}, 3).sum());
            System.out.println("sum " + sum);
            Torch.mappedTorchLibraries().forEach(l -> System.out.println("mapped " + l));
        }
    }
}
