package spike;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.*;

import static org.bytedeco.pytorch.global.torch.ScalarType.BFloat16;
import static org.bytedeco.pytorch.global.torch.ScalarType.Float;

/**
 * One DPL search step (alpha step on 16 val images + prompt step on 4 train images, 10 classes)
 * at ViT-B/16 size, fp32 vs bf16, interleaved.
 * Args: key=value among modes=fp32,bf16 warmup=1 steps=3 threads=2 classes=10 val=16 train=4
 * chunk=16 textTokens=8 profile=false
 */
public final class Bench {
    record Times(double alphaFwd, double alphaBwd, double promptFwd, double promptBwd, double alphaLoss, double promptLoss) {
        double alpha() { return alphaFwd + alphaBwd; }
        double prompt() { return promptFwd + promptBwd; }
        double total() { return alpha() + prompt(); }
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) { String[] kv = s.split("=", 2); a.put(kv[0], kv[1]); }
        List<String> modes = List.of(a.getOrDefault("modes", "fp32,bf16").split(","));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "1"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "3"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int classes = Integer.parseInt(a.getOrDefault("classes", "10"));
        int val = Integer.parseInt(a.getOrDefault("val", "16"));
        int train = Integer.parseInt(a.getOrDefault("train", "4"));
        int chunk = Integer.parseInt(a.getOrDefault("chunk", String.valueOf(val)));
        int textTokens = Integer.parseInt(a.getOrDefault("textTokens", "8"));
        boolean profile = Boolean.parseBoolean(a.getOrDefault("profile", "false"));

        Loader.load(torch.class);
        torch.set_num_threads(threads);
        System.out.printf("threads=%d cpu=%s modes=%s warmup=%d steps=%d classes=%d val=%d chunk=%d train=%d textTokens=%d load=%s%n",
                torch.get_num_threads(), torch.get_cpu_capability().getString(), modes, warmup, steps, classes, val, chunk,
                train, textTokens, Util.uptime());

        Map<String, Clip> models = new LinkedHashMap<>();
        for (String m : modes) {
            torch.manual_seed(1); // same random weights in every mode (bf16 = rounded fp32)
            models.put(m, new Clip(m.equals("bf16") ? BFloat16 : Float, classes, textTokens));
            System.out.printf("built %s model, RSS %.2f GB%n", m, Util.rssGb());
        }
        torch.manual_seed(2);
        Tensor valImgs = keep(torch.randn(val, 3, 224, 224)), trainImgs = keep(torch.randn(train, 3, 224, 224));
        Tensor valLabels = keep(labels(val, classes)), trainLabels = keep(labels(train, classes));

        if (profile) {
            for (String m : modes) profileForward(m, models.get(m), valImgs);
            return;
        }

        Map<String, List<Times>> timed = new LinkedHashMap<>();
        Map<String, Double> peak = new LinkedHashMap<>();
        List<String> loads = new ArrayList<>();
        for (int i = 0; i < warmup + steps; i++) {
            for (String m : modes) {
                Util.resetPeakRss();
                String before = Util.uptime();
                Times t = step(models.get(m), valImgs, valLabels, trainImgs, trainLabels, chunk);
                double pk = Util.peakRssGb();
                String after = Util.uptime();
                boolean isWarm = i < warmup;
                System.out.printf("%s %s  alpha %.2f s (fwd %.2f bwd %.2f, loss %.4f)  prompt %.2f s (fwd %.2f bwd %.2f, loss %.4f)  "
                                + "step %.2f s  peakRSS %.2f GB  load %s -> %s%n",
                        isWarm ? "warm " : "timed", m, t.alpha(), t.alphaFwd, t.alphaBwd, t.alphaLoss, t.prompt(), t.promptFwd,
                        t.promptBwd, t.promptLoss, t.total(), pk, before, after);
                if (!isWarm) {
                    timed.computeIfAbsent(m, k -> new ArrayList<>()).add(t);
                    loads.add(after);
                }
                peak.merge(m, pk, Math::max);
            }
        }
        System.out.println("\nmode   alpha s/step  prompt s/step  search s/step  (median of timed; min..max)   peak RSS");
        Map<String, Double> med = new LinkedHashMap<>();
        for (var e : timed.entrySet()) {
            List<Times> ts = e.getValue();
            double[] al = ts.stream().mapToDouble(Times::alpha).sorted().toArray();
            double[] pr = ts.stream().mapToDouble(Times::prompt).sorted().toArray();
            double[] to = ts.stream().mapToDouble(Times::total).sorted().toArray();
            med.put(e.getKey(), to[to.length / 2]);
            System.out.printf("%-5s  %12.2f  %13.2f  %13.2f  (%.2f..%.2f)   %.2f GB%n", e.getKey(), al[al.length / 2],
                    pr[pr.length / 2], to[to.length / 2], to[0], to[to.length - 1], peak.get(e.getKey()));
        }
        if (med.containsKey("fp32") && med.containsKey("bf16"))
            System.out.printf("speed-up bf16 vs fp32 (median search step): %.2fx%n", med.get("fp32") / med.get("bf16"));
        System.out.println("load averages after timed steps: " + loads);
    }

    private static Tensor keep(Tensor t) { t.retainReference(); return t; }

    private static Tensor labels(int n, int classes) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = i % classes;
        return T.fromLongs(l, n);
    }

    /** Alpha step (val chunks, backward to alphas and prompts, update alphas) then prompt step; grads zeroed after each. */
    static Times step(Clip m, Tensor val, Tensor valLabels, Tensor train, Tensor trainLabels, int chunk) {
        double af = 0, ab = 0, pf, pb, al = 0, pl;
        long n = val.size(0);
        try (PointerScope scope = new PointerScope()) {
            for (long from = 0; from < n; from += chunk) {
                long len = Math.min(chunk, n - from);
                long t0 = System.nanoTime();
                Tensor txt = m.encodeText();
                Tensor img = m.encodeImage(val.narrow(0, from, len));
                Tensor loss = Clip.loss(img, txt, valLabels.narrow(0, from, len)).mul(new Scalar((double) len / n));
                al += loss.item_float();
                long t1 = System.nanoTime();
                loss.backward();
                long t2 = System.nanoTime();
                af += (t1 - t0) / 1e9;
                ab += (t2 - t1) / 1e9;
            }
            if (n > 0 && !checked) {
                checked = true;
                System.out.printf("  grad check: |d alphas(image)|=%.3e |d alphas(text)|=%.3e |d prompt img L11 k3|=%.3e |d prompt txt L0 k1|=%.3e%n",
                        absSum(m.image.alphas.grad()), absSum(m.text.alphas.grad()), absSum(m.image.prompts[11][3].grad()),
                        absSum(m.text.prompts[0][1].grad()));
            }
            long t0 = System.nanoTime();
            sgd(m.alphaParams(), 3.5e-3);
            zero(m.promptParams()); // the prompt step must not see the alpha step's prompt gradients
            ab += (System.nanoTime() - t0) / 1e9;
        }
        try (PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            Tensor loss = Clip.loss(m.encodeImage(train), m.encodeText(), trainLabels);
            pl = loss.item_float();
            long t1 = System.nanoTime();
            loss.backward();
            sgd(m.promptParams(), 3.5e-3);
            zero(m.alphaParams());
            long t2 = System.nanoTime();
            pf = (t1 - t0) / 1e9;
            pb = (t2 - t1) / 1e9;
        }
        return new Times(af, ab, pf, pb, al, pl);
    }

    private static boolean checked;

    private static double absSum(Tensor g) { return g.defined() ? g.abs().sum().item_float() : Double.NaN; }

    /** p -= lr * grad, then grad = 0; outside autograd. */
    static void sgd(List<Tensor> params, double lr) {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (!g.defined()) continue;
                p.sub_(g, new Scalar(lr));
                g.zero_();
            }
        }
    }

    static void zero(List<Tensor> params) {
        try (PointerScope s = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g.defined()) g.zero_();
            }
        }
    }

    /** Forward of the alpha step (text + val images) with per-op-class wall time, autograd on (as in the step). */
    static void profileForward(String mode, Clip m, Tensor val) {
        for (int rep = 0; rep < Integer.getInteger("reps", 1); rep++) {
            Clip.timers.clear();
            Clip.profile = true;
            long t0 = System.nanoTime();
            try (PointerScope scope = new PointerScope()) {
                Tensor txt = m.encodeText();
                Tensor img = m.encodeImage(val);
                long t1 = System.nanoTime();
                Clip.profile = false;
                Tensor loss = Clip.loss(img, txt, torch.zeros(new long[]{val.size(0)}, new TensorOptions(ScalarType.Long)));
                loss.backward();
                long t2 = System.nanoTime();
                zero(m.alphaParams());
                zero(m.promptParams());
                System.out.printf("[%s rep %d] forward %.2f s, backward %.2f s, load %s%n", mode, rep, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                        Util.uptime());
                for (var e : Clip.timers.entrySet())
                    System.out.printf("   %-22s %8.3f s  (%d calls)%n", e.getKey(), e.getValue()[0] / 1e9, e.getValue()[1]);
            }
        }
    }
}
