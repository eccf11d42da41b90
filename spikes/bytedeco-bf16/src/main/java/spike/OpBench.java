package spike;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

import static org.bytedeco.pytorch.global.torch.ScalarType.BFloat16;
import static org.bytedeco.pytorch.global.torch.ScalarType.Float;

/** Per-op-class cost at the step's shapes (one image, 197 tokens): wall and process-CPU ms per call. Args: threads. */
public final class OpBench {
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) {
        Loader.load(torch.class);
        for (String th : (args.length > 0 ? args[0] : "1,2").split(",")) {
            torch.set_num_threads(Integer.parseInt(th));
            System.out.printf("== threads %d  load %s%n", torch.get_num_threads(), Util.uptime());
            for (ScalarType dt : new ScalarType[]{Float, BFloat16}) {
                try (PointerScope s = new PointerScope()) {
                    run(dt);
                }
            }
        }
    }

    static void run(ScalarType dt) {
        String n = dt == Float ? "fp32" : "bf16";
        Tensor x = torch.randn(197, 768).to(dt);
        Tensor w = torch.randn(3072, 768).to(dt);
        Tensor gy = torch.randn(197, 3072).to(dt);
        double lf = 2.0 * 197 * 768 * 3072 / 1e9;
        time(n + " linear NT fwd   [197x768]x[3072x768]T", lf, () -> torch.linear(x, w));
        time(n + " matmul NN (dX)  [197x3072]x[3072x768]", lf, () -> torch.matmul(gy, w));
        Tensor q = torch.randn(1, 12, 197, 64).to(dt);
        Tensor k = torch.randn(1, 12, 200, 64).to(dt);
        double af = 4.0 * 12 * 197 * 200 * 64 / 1e9;
        time(n + " sdpa fwd        [1,12,197|200,64]", af, () -> torch.scaled_dot_product_attention(q, k, k));
        time(n + " manual attn fwd (matmul,softmax,matmul)", af,
                () -> torch.softmax(q.matmul(k.transpose(2, 3)).mul(new Scalar(0.125)), -1).matmul(k));
        Tensor qg = q.detach().set_requires_grad(true);
        time(n + " sdpa fwd+bwd", 3 * af, () -> {
            Tensor o = torch.scaled_dot_product_attention(qg, k, k);
            o.sum().backward();
            return o;
        });
        Tensor g = torch.ones(768), b = torch.zeros(768);
        time(n + " layer_norm      [197,768] (fp32 affine)", 0,
                () -> torch.layer_norm(x, new long[]{768}, new TensorOptional(g), new TensorOptional(b), 1e-5, false));
        time(n + " add             [197,768]", 0, () -> x.add(x));
    }

    static void time(String what, double gflop, Supplier<Tensor> op) {
        for (int i = 0; i < 2; i++) try (PointerScope s = new PointerScope()) { op.get(); }
        int iters = 0;
        long c0 = OS.getProcessCpuTime(), t0 = System.nanoTime();
        while ((System.nanoTime() - t0 < 1_500_000_000L && iters < 500) || iters < 3) {
            try (PointerScope s = new PointerScope()) { op.get(); }
            iters++;
        }
        double wall = (System.nanoTime() - t0) / 1e6 / iters, cpu = (OS.getProcessCpuTime() - c0) / 1e6 / iters;
        System.out.printf("  %-48s wall %8.2f ms  cpu %8.2f ms  %s%n", what, wall, cpu,
                gflop > 0 ? String.format("%.1f GFLOP/s wall, %.1f per cpu-s", gflop / wall * 1e3, gflop / cpu * 1e3) : "");
    }
}
