package org.dpl4j.tensor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.global.torch;

/**
 * The CUDA devices libtorch sees, as {@code dpl4j doctor} reports them and as {@link Precision}
 * decides on. The device properties come from {@code torch_cuda.getDeviceProperties}, which returns
 * a class of the {@code org.bytedeco:cuda} presets: that jar is on the class path only in the
 * {@code gpu} build, so it is reached by reflection, and only after {@code torch.hasCUDA()} said the
 * natives have CUDA. This is the one place dpl4j names a CUDA API; it has never run on a GPU.
 */
public final class CudaDevices {
    private CudaDevices() {}

    /** A CUDA device: name, compute capability and memory. */
    public record Info(int index, String name, ComputeCapability capability, long totalMemoryBytes) {
        @Override
        public String toString() {
            return String.format("cuda:%d %s, compute capability %s, %.1f GB", index, name, capability,
                    totalMemoryBytes / 1e9);
        }
    }

    /** Whether the loaded natives were built with CUDA (the {@code gpu} build). */
    public static boolean nativesHaveCuda() {
        Torch.init();
        return torch.hasCUDA();
    }

    /** The CUDA devices usable now (none without CUDA natives, a driver or a GPU). */
    public static int count() {
        if (!nativesHaveCuda() || !torch.cuda_is_available()) {
            return 0;
        }
        return torch.cuda_device_count();
    }

    /** Every usable device, described. */
    public static List<Info> all() {
        List<Info> out = new ArrayList<>();
        for (int i = 0; i < count(); i++) {
            out.add(describe(i));
        }
        return out;
    }

    /** Device {@code index}'s properties; fails with a one-line reason when they cannot be read. */
    public static Info describe(int index) {
        if (index < 0 || index >= count()) {
            throw new IllegalStateException("cuda:" + index + ": no such CUDA device (" + count() + " visible)");
        }
        try {
            Class<?> tc = Class.forName("org.bytedeco.pytorch.global.torch_cuda");
            Object prop = tc.getMethod("getDeviceProperties", byte.class).invoke(null, (byte) index);
            Class<?> pc = prop.getClass();
            String name = ((BytePointer) pc.getMethod("name").invoke(prop)).getString();
            int major = (Integer) pc.getMethod("major").invoke(prop);
            int minor = (Integer) pc.getMethod("minor").invoke(prop);
            long memory = (Long) pc.getMethod("totalGlobalMem").invoke(prop);
            return new Info(index, name, new ComputeCapability(major, minor), memory);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cuda:" + index + ": cannot read the device properties (" + e + ");"
                    + " is org.bytedeco:cuda on the class path (mvn -Pgpu)?", e);
        }
    }

    /** The CUDA driver's version as CUDA numbers it (13010 = 13.1), when the natives have CUDA. */
    public static Optional<Integer> driverVersion() {
        return cudartVersion("cudaDriverGetVersion");
    }

    /** The CUDA runtime's version libtorch was built with, when the natives have CUDA. */
    public static Optional<Integer> runtimeVersion() {
        return cudartVersion("cudaRuntimeGetVersion");
    }

    private static Optional<Integer> cudartVersion(String function) {
        if (!nativesHaveCuda()) {
            return Optional.empty();
        }
        try {
            Method m = Class.forName("org.bytedeco.cuda.global.cudart").getMethod(function, int[].class);
            int[] v = new int[1];
            int status = (Integer) m.invoke(null, (Object) v);
            return status == 0 ? Optional.of(v[0]) : Optional.empty();
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** 13010 → "13.1". */
    public static String versionString(int cudaVersion) {
        return cudaVersion / 1000 + "." + cudaVersion % 1000 / 10;
    }
}
