package org.dpl4j.tensor;

import java.util.OptionalLong;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.SizeTPair;
import org.bytedeco.pytorch.cuda.CUDAAllocator;
import org.bytedeco.pytorch.cuda.DeviceStats;
import org.bytedeco.pytorch.global.torch_cuda;

/** How much memory a device can still give, for sizing work to it. */
public final class DeviceMemory {
    private DeviceMemory() {}

    /**
     * Bytes new tensors on {@code device} can still get: on CUDA, the driver's free memory
     * ({@code cudaMemGetInfo} through libtorch's caching allocator) plus what that allocator holds
     * reserved but unused. Empty on the CPU (whose budgets are fixed, so that results do not depend on
     * what else runs on the machine) and where the binding cannot tell: the CPU natives carry no
     * {@code torch_cuda}, so the call fails to link there.
     */
    public static OptionalLong available(Device device) {
        if (!device.is_cuda()) {
            return OptionalLong.empty();
        }
        try {
            byte index = (byte) Math.max(0, device.index());
            CUDAAllocator allocator = torch_cuda.getAllocator();
            SizeTPair freeAndTotal = allocator.getMemoryInfo(index);
            DeviceStats stats = allocator.getDeviceStats(index);
            long cachedUnused = Math.max(0, stats.reserved_bytes().current() - stats.allocated_bytes().current());
            return OptionalLong.of(freeAndTotal.first() + cachedUnused);
        } catch (LinkageError | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
