package spike;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Small helpers around the bytedeco binding. */
final class T {
    private T() {}

    /** Owned copy: from_blob only wraps the JavaCPP buffer, so clone() before the pointer can be freed. */
    static Tensor fromFloats(float[] data, long... shape) {
        try (FloatPointer fp = new FloatPointer(data)) {
            return torch.from_blob(fp, shape, new TensorOptions(torch.ScalarType.Float)).clone();
        }
    }

    static Tensor fromLongs(long[] data, long... shape) {
        try (org.bytedeco.javacpp.LongPointer lp = new org.bytedeco.javacpp.LongPointer(data)) {
            return torch.from_blob(lp, shape, new TensorOptions(torch.ScalarType.Long)).clone();
        }
    }

    static float[] toFloats(Tensor t) {
        Tensor c = t.to(torch.ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        new FloatPointer(c.data_ptr_float()).capacity(out.length).get(out);
        return out;
    }
}
