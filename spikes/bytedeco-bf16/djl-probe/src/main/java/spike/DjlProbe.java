package spike;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/** Today's engine: x[512,768] · W, W as [3072,768]ᵀ (NT) and [768,3072] (NN), fp32 vs bf16, GFLOP/s. */
public final class DjlProbe {
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        try (NDManager m = NDManager.newBaseManager()) {
            JniUtils.setNumInteropThreads(1);
            JniUtils.setNumThreads(threads);
            System.out.println("DJL libtorch, threads=" + threads + " load " + new String(java.nio.file.Files.readAllBytes(
                    java.nio.file.Path.of("/proc/loadavg"))).trim());
            for (int round = 0; round < 2; round++) {
                for (DataType dt : (args.length > 1 && args[1].equals("bf16") ? new DataType[]{DataType.FLOAT32, DataType.BFLOAT16} : new DataType[]{DataType.FLOAT32})) {
                    try (NDManager s = m.newSubManager()) {
                        NDArray x = s.randomNormal(new Shape(512, 768)).toType(dt, false);
                        NDArray w = s.randomNormal(new Shape(3072, 768)).toType(dt, false);
                        NDArray wt = w.transpose();            // view: NT product
                        NDArray wkn = w.transpose().duplicate(); // contiguous [768,3072]: NN product
                        System.out.printf("round %d %s  NT %.1f GFLOP/s  NN %.1f GFLOP/s%n", round, dt,
                                gflops(s, x, wt), gflops(s, x, wkn));
                    }
                }
            }
        }
    }

    static double gflops(NDManager s, NDArray x, NDArray w) {
        for (int i = 0; i < 2; i++) x.matMul(w).close();
        int it = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 3_000_000_000L && it < 200) { x.matMul(w).close(); it++; }
        return it * 2.0 * 512 * 768 * 3072 / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }
}
