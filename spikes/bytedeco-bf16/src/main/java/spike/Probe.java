package spike;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import static org.bytedeco.pytorch.global.torch.ScalarType.BFloat16;
import static org.bytedeco.pytorch.global.torch.ScalarType.Float;

/** Matmul peak probe: x[M,K] · W[N,K]ᵀ via linear (and via matmul with W as [K,N]), fp32 vs bf16. */
public final class Probe {
    public static void main(String[] args) {
        Loader.load(torch.class);
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        torch.set_num_threads(threads);
        long m = 512, k = 768, n = 3072;
        System.out.println("threads=" + torch.get_num_threads() + " cpu=" + torch.get_cpu_capability().getString()
                + " load: " + Util.uptime());
        for (int round = 0; round < 2; round++) {
            for (String mode : new String[]{"fp32", "bf16"}) {
                try (PointerScope scope = new PointerScope()) {
                    var dt = mode.equals("fp32") ? Float : BFloat16;
                    Tensor x = torch.randn(m, k).to(dt);
                    Tensor w = torch.randn(n, k).to(dt);       // [out,in]
                    Tensor wKN = w.t().contiguous();            // [in,out]
                    double lin = gflops(() -> torch.linear(x, w), m, k, n);
                    double mm = gflops(() -> torch.matmul(x, wKN), m, k, n);
                    System.out.printf("round %d %s  linear(x,W[out,in]) %.1f GFLOP/s   matmul(x,W[in,out]) %.1f GFLOP/s%n",
                            round, mode, lin, mm);
                }
            }
        }
        System.out.println("load after: " + Util.uptime());
    }

    static double gflops(java.util.function.Supplier<Tensor> op, long m, long k, long n) {
        for (int i = 0; i < 2; i++) {
            try (PointerScope s = new PointerScope()) { op.get(); }
        }
        int iters = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 3_000_000_000L && iters < 200) {
            try (PointerScope s = new PointerScope()) { op.get(); }
            iters++;
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        return iters * 2.0 * m * k * n / sec / 1e9;
    }
}
