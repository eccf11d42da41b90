import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
public class SdpaVsExplicit { public static void main(String[] a){
  org.dpl4j.tensor.Torch.init();
  torch.set_num_threads(Integer.parseInt(a[0]));
  org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(Integer.parseInt(a[1]));
  Tensor q = torch.randn(8,12,197,64), k = torch.randn(8,12,197,64), v = torch.randn(8,12,197,64);
  double fl = 2*2.0*96*197*64*197;
  for (int rep=0; rep<3; rep++) {
    long t0=System.nanoTime(); for (int i=0;i<10;i++){ torch.scaled_dot_product_attention(q,k,v,new TensorOptional(),0.0,false,new DoubleOptional(),false);} long t1=System.nanoTime();
    long t2=System.nanoTime(); for (int i=0;i<10;i++){ Tensor s=q.matmul(k.transpose(2,3)).softmax(-1); s.matmul(v);} long t3=System.nanoTime();
    System.out.printf("threads %s/%s  sdpa %.1f GF/s   explicit %.1f GF/s%n", a[0], a[1], fl*10/(t1-t0), fl*10/(t3-t2));
  }
}}
