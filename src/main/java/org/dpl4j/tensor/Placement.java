package org.dpl4j.tensor;

import org.bytedeco.pytorch.Device;

/** Where a model's tensors live and in which precision its frozen weights are held. */
public record Placement(DeviceSpec device, Precision precision) {
    public static final Placement CPU_FP32 = new Placement(DeviceSpec.CPU, Precision.FP32);

    /** The binding's device (checks that a CUDA device is really there). */
    public Device torchDevice() {
        return device.device();
    }

    @Override
    public String toString() {
        return device + "/" + precision.label();
    }
}
