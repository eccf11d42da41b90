package org.dpl4j.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads the libtorch that ships in the JavaCPP jars, once per process, and reports what was
 * loaded. JavaCPP extracts the bundled libraries to its cache and loads them by absolute path;
 * {@code pathsFirst=false} keeps it from preferring a libtorch found on {@code LD_LIBRARY_PATH}
 * or in the system (Debian's python3-torch, a conda env), whose ABI need not match the binding.
 */
public final class Torch {
    private static volatile String loadedFrom;

    private Torch() {}

    /** Idempotent; every entry point calls it before the first tensor. */
    public static synchronized void init() {
        if (loadedFrom != null) {
            return;
        }
        System.setProperty("org.bytedeco.javacpp.pathsFirst", "false");
        // JavaCPP's own "maxBytes" bookkeeping only sees its allocations, not libtorch's; turn the
        // GC nudges it does off so they do not stall steps for nothing
        if (System.getProperty("org.bytedeco.javacpp.maxBytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxBytes", "0");
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
        preloadBundled();
        loadedFrom = Loader.load(torch.class);
        // libtorch sizes its intra-op pool itself, and on some virtual machines below the CPUs the
        // process may use: 1 thread on a 2-vCPU AMD EPYC guest (2 cores, no SMT), where every step then
        // ran on one core. The documented default (--threads) is every CPU; OMP_NUM_THREADS still rules.
        if (System.getenv("OMP_NUM_THREADS") == null) {
            torch.set_num_threads(Runtime.getRuntime().availableProcessors());
        }
        if (System.getenv("OPENBLAS_NUM_THREADS") == null) {
            blasThreads(torch.get_num_threads());
        }
    }

    /**
     * libtorch's matrix products run on OpenBLAS's own threads, not on its intra-op pool: they must
     * be told apart. With one OpenBLAS thread the fp32 matmul peak on 2 cores was half (88 against
     * 171 GFLOP/s), so OpenBLAS gets as many threads as libtorch.
     */
    private static void blasThreads(int n) {
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(n);
    }

    /**
     * JavaCPP loads libtorch.so before libtorch_cpu.so; the dynamic linker then resolves
     * libtorch.so's dependency on libtorch_cpu.so itself, and LD_LIBRARY_PATH comes before the
     * bundled libraries' own RUNPATH, so a system libtorch on that path (Debian's python3-torch,
     * a conda env) was loaded beside ours and the JVM crashed. Loading the bundled libraries
     * bottom-up by absolute path first makes every later lookup by soname find ours.
     */
    private static void preloadBundled() {
        String dir = "/org/bytedeco/pytorch/" + Loader.getPlatform() + "/";
        for (String lib : BOTTOM_UP) {
            try {
                java.io.File f = Loader.cacheResource(dir + lib);
                if (f != null) {
                    System.load(f.getAbsolutePath());
                }
            } catch (IOException | UnsatisfiedLinkError e) {
                // not in this build (the CUDA libraries in a CPU build): JavaCPP loads what it needs
            }
        }
    }

    private static final List<String> BOTTOM_UP = List.of("libgomp.so.1", "libc10.so", "libtorch_cpu.so",
            "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so");

    /** The JNI library JavaCPP loaded for libtorch (inside its cache of the bundled jars). */
    public static String loadedFrom() {
        init();
        return loadedFrom;
    }

    /** Absolute paths of every libtorch/libc10 shared object mapped into this process. */
    public static List<String> mappedTorchLibraries() {
        return mapped(name -> name.startsWith("libtorch") || name.startsWith("libc10"));
    }

    /**
     * Absolute paths of the native libraries of the engine mapped into this process: libtorch, c10,
     * the JNI bridges, OpenMP, OpenBLAS and (gpu build) CUDA's, in the order the kernel lists them.
     * These are the files really in use, whatever the class path or LD_LIBRARY_PATH say.
     */
    public static List<String> mappedNativeLibraries() {
        return mapped(name -> ENGINE_LIBRARY.matcher(name).lookingAt() && name.contains(".so"));
    }

    /** The mapped files of this process whose file name {@code wanted} accepts, each once, in the kernel's order. */
    private static List<String> mapped(java.util.function.Predicate<String> wanted) {
        init();
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash);
                if (wanted.test(path.substring(path.lastIndexOf('/') + 1)) && !out.contains(path)) {
                    out.add(path);
                }
            }
        } catch (IOException e) {
            // not Linux: nothing to report
        }
        return out;
    }

    private static final java.util.regex.Pattern ENGINE_LIBRARY = java.util.regex.Pattern.compile(
            "lib(torch|c10|jnitorch|jniopenblas|openblas|gomp|cud|cublas|cudnn|nccl|nvrtc|nvJitLink|jnicuda)");

    /** libtorch's version, as its build configuration records it ({@code TORCH_VERSION}). */
    public static String version() {
        return buildSetting("TORCH_VERSION", "unknown");
    }

    /** The version of the JavaCPP presets jar ({@code org.bytedeco:pytorch}) on the class path. */
    public static String bindingVersion() {
        String v = torch.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** One {@code KEY=value} of libtorch's build settings ({@code torch::show_config}), or {@code fallback}. */
    public static String buildSetting(String key, String fallback) {
        init();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + key + "=([^,\\s]*)").matcher(torch.show_config().getString());
        return m.find() ? m.group(1) : fallback;
    }

    /** libtorch's intra-op threads for this process. */
    public static void threads(int n) {
        init();
        if (n > 0) {
            torch.set_num_threads(n);
            blasThreads(n);
        }
    }

    public static int threads() {
        init();
        return torch.get_num_threads();
    }

    /** What libtorch's CPU kernels dispatch to ({@code AVX2}, {@code AVX512}...). */
    public static String cpuCapability() {
        init();
        return torch.get_cpu_capability().getString();
    }
}
