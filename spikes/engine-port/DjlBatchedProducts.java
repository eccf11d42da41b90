import ai.djl.ndarray.*; import ai.djl.ndarray.types.Shape;
public class DjlBatchedProducts { public static void main(String[] a){
  try (NDManager m = NDManager.newBaseManager()) {
  NDArray q = m.randomNormal(new Shape(8,12,197,64)), k = m.randomNormal(new Shape(8,12,64,197)), v = m.randomNormal(new Shape(8,12,197,64));
  NDArray x = m.randomNormal(new Shape(1576, 768)), w = m.randomNormal(new Shape(768, 2304));
  NDArray s = m.randomNormal(new Shape(8,12,197,197));
  for (int rep=0; rep<2; rep++) {
    long t0=System.nanoTime(); for (int i=0;i<20;i++){ q.matMul(k).close();} long t1=System.nanoTime();
    double fl = 2.0*96*197*64*197*20;
    long t2=System.nanoTime(); for (int i=0;i<10;i++){ x.matMul(w).close();} long t3=System.nanoTime();
    double fl2 = 2.0*1576*768*2304*10;
    long t4=System.nanoTime(); for (int i=0;i<20;i++){ s.matMul(v).close();} long t5=System.nanoTime();
    System.out.printf("DJL bmm QK^T %.1f GF/s  bmm SV %.1f GF/s  gemm %.1f GF/s%n", fl/(t1-t0), fl/(t5-t4), fl2/(t3-t2));
  }}
}}
