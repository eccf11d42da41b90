package spike;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;

import static org.bytedeco.pytorch.global.torch.ScalarType.BFloat16;
import static org.bytedeco.pytorch.global.torch.ScalarType.Float;

/** Native loading + tiny bf16 matmul + API sanity (owned copy from float[], autograd, grad). */
public final class Smoke {
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        String path = Loader.load(torch.class);
        System.out.printf("Loader.load(torch) -> %s (%.1f s)%n", path, (System.nanoTime() - t0) / 1e9);
        System.out.println("cpu capability: " + torch.get_cpu_capability().getString());
        System.out.println("hasMKL=" + torch.hasMKL() + " hasMKLDNN=" + torch.hasMKLDNN() + " hasOpenMP=" + torch.hasOpenMP()
                + " threads=" + torch.get_num_threads());
        if (args.length > 0) System.out.println(torch.show_config().getString());
        try (PointerScope scope = new PointerScope()) {
            float[] data = {1, 2, 3, 4, 5, 6};
            Tensor a = T.fromFloats(data, 2, 3);
            data[0] = 100; // must not alias
            System.out.println("a[0,0]=" + a.select(0, 0).select(0, 0).item_float() + " (expect 1.0)");
            Tensor w = T.fromFloats(new float[]{1, 0, 0, 0, 1, 0}, 2, 3); // [out=2,in=3]
            Tensor y = torch.linear(a.to(BFloat16), w.to(BFloat16));
            System.out.println("bf16 linear dtype=" + y.scalar_type() + " y=" + T.toFloats(y.to(Float)).length
                    + " vals=" + java.util.Arrays.toString(T.toFloats(y.to(Float))) + " (expect [1,2,4,5])");
            Tensor p = T.fromFloats(new float[]{0.5f, -0.5f}, 2).set_requires_grad(true);
            Tensor loss = torch.softmax(p, 0).select(0, 0).mul(new Scalar(3.0));
            loss.backward();
            System.out.println("grad=" + java.util.Arrays.toString(T.toFloats(p.grad())) + " (expect [0.5898,-0.5898])");

            // LayerNorm with bf16 input and fp32 affine params (mixed dtype is accepted; output bf16)
            Tensor x = torch.randn(4, 8).to(BFloat16);
            Tensor ln = torch.layer_norm(x, new long[]{8}, new TensorOptional(torch.ones(8)), new TensorOptional(torch.zeros(8)), 1e-5, false);
            System.out.println("layer_norm(bf16 x, fp32 g/b) dtype=" + ln.scalar_type());

            // SDPA with a boolean mask (true = attend) over [prompt ; sequence] keys
            Tensor q = torch.randn(2, 4, 5, 16), k = torch.randn(2, 4, 7, 16);
            Tensor mask = torch.cat(new TensorVector(torch.ones(5, 2).to(torch.ScalarType.Bool),
                    torch.ones(5, 5).tril().to(torch.ScalarType.Bool)), 1);
            Tensor o = torch.scaled_dot_product_attention(q, k, k, new TensorOptional(mask), 0.0, false, new DoubleOptional(), false);
            System.out.println("sdpa out dim0..3 = " + o.size(0) + "," + o.size(1) + "," + o.size(2) + "," + o.size(3));

            // cross-entropy with int64 labels
            Tensor logits = torch.randn(4, 3).set_requires_grad(true);
            Tensor ce = torch.cross_entropy_loss(logits, T.fromLongs(new long[]{0, 1, 2, 0}, 4));
            ce.backward();
            System.out.println("ce=" + ce.item_float() + " grad defined=" + logits.grad().defined());

            // no_grad and inference mode are RAII guards: close() restores the previous mode
            try (NoGradGuard ng = new NoGradGuard()) {
                System.out.println("under NoGradGuard: result requires_grad=" + logits.mul(new Scalar(2.0)).requires_grad());
            }
            try (InferenceMode im = new InferenceMode()) {
                System.out.println("under InferenceMode: result requires_grad=" + logits.mul(new Scalar(2.0)).requires_grad());
            }
            System.out.println("after guards: requires_grad=" + logits.mul(new Scalar(2.0)).requires_grad());

            // autocast (CPU): exposed as global flags; linear on fp32 inputs then runs in bf16
            torch.set_autocast_dtype(torch.DeviceType.CPU, BFloat16);
            torch.set_autocast_enabled(torch.DeviceType.CPU, true);
            Tensor ac = torch.linear(torch.randn(3, 4), torch.randn(5, 4));
            torch.set_autocast_enabled(torch.DeviceType.CPU, false);
            System.out.println("autocast linear dtype=" + ac.scalar_type());
            torch.set_num_threads(1);
            System.out.println("threads after set_num_threads(1) = " + torch.get_num_threads());
        }
    }
}
