import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
public class BatchedProducts { public static void main(String[] a){
  org.dpl4j.tensor.Torch.init();
  int th = Integer.parseInt(a[0]); torch.set_num_threads(th);
  org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(Integer.parseInt(a[1]));
  Tensor q = torch.randn(8,12,197,64), k = torch.randn(8,12,64,197), v = torch.randn(8,12,197,64);
  Tensor x = torch.randn(1576, 768), w = torch.randn(768, 2304);
  for (int rep=0; rep<2; rep++) {
    long t0=System.nanoTime(); for (int i=0;i<20;i++){ q.matmul(k);} long t1=System.nanoTime();
    double fl = 2.0*96*197*64*197*20; 
    long t2=System.nanoTime(); for (int i=0;i<10;i++){ x.matmul(w);} long t3=System.nanoTime();
    double fl2 = 2.0*1576*768*2304*10;
    Tensor s = torch.randn(8,12,197,197);
    long t4=System.nanoTime(); for (int i=0;i<20;i++){ s.matmul(v);} long t5=System.nanoTime();
    System.out.printf("threads %s/%s  bmm QK^T %.1f GF/s  bmm SV %.1f GF/s  gemm %.1f GF/s%n", a[0], a[1], fl/(t1-t0), fl/(t5-t4), fl2/(t3-t2));
  }
}}
