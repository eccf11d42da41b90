package org.dpl4j.tensor;

import java.util.Locale;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * Where tensors live: {@code cpu} or {@code cuda[:N]}. A value, parsed from {@code --device};
 * {@link #device()} makes the binding's {@link Device} for tensor calls. {@link #META} is libtorch's
 * {@code meta} device (shapes without data): never parsed from an option, only the meta-device tests
 * place models there, so that a tensor made on the CPU by mistake fails with libtorch's own error
 * (docs/design.md §11).
 */
public record DeviceSpec(String type, int index) {
    public static final DeviceSpec CPU = new DeviceSpec("cpu", -1);
    public static final DeviceSpec META = new DeviceSpec("meta", -1);

    public DeviceSpec {
        if (!type.equals("cpu") && !type.equals("cuda") && !type.equals("meta")) {
            throw new IllegalArgumentException("unknown device type " + type);
        }
    }

    /** {@code cpu}, {@code cuda}, {@code cuda:N} ({@code gpu} and {@code gpu:N} are read as cuda). */
    public static DeviceSpec parse(String s) {
        String v = s == null ? "cpu" : s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("cpu")) {
            return CPU;
        }
        String[] parts = v.split(":", 2);
        if (!parts[0].equals("cuda") && !parts[0].equals("gpu")) {
            throw new IllegalArgumentException("--device must be cpu, cuda or cuda:N, not '" + s + "'");
        }
        int index = 0;
        if (parts.length == 2) {
            try {
                index = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--device " + s + ": the CUDA device index must be a number");
            }
        }
        return new DeviceSpec("cuda", index);
    }

    public boolean isCuda() {
        return type.equals("cuda");
    }

    /** The binding's device; for CUDA, fails with a clear message when no such GPU is usable. */
    public Device device() {
        Torch.init();
        if (isMeta()) {
            return new Device(torch.DeviceType.Meta);
        }
        if (!isCuda()) {
            return new Device(torch.DeviceType.CPU);
        }
        if (!torch.cuda_is_available()) {
            throw new IllegalStateException("--device " + this + ": no usable CUDA device (this build has "
                    + (torch.hasCUDA() ? "CUDA support but found no GPU or driver" : "CPU natives only; build with mvn -Pgpu package")
                    + ")");
        }
        int n = torch.cuda_device_count();
        if (index >= n) {
            throw new IllegalStateException("--device " + this + ": only " + n + " CUDA device(s) visible");
        }
        return new Device(torch.DeviceType.CUDA, (byte) index);
    }

    public boolean isMeta() {
        return type.equals("meta");
    }

    /** The spec of a tensor's device. */
    public static DeviceSpec of(Device d) {
        if (d.is_meta()) {
            return META;
        }
        return d.is_cuda() ? new DeviceSpec("cuda", Math.max(0, d.index())) : CPU;
    }

    @Override
    public String toString() {
        return isCuda() ? "cuda:" + index : type;
    }
}
