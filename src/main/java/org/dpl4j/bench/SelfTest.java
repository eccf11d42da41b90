package org.dpl4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.prompts.ClassTexts;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.Supernet;
import org.dpl4j.tensor.DeviceSpec;
import org.dpl4j.tensor.Grads;
import org.dpl4j.tensor.Placement;
import org.dpl4j.tensor.Precision;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.training.Losses;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;

/**
 * {@code dpl4j doctor}'s self-test: one DPL supernet step (fused mixture attention; gradients of
 * alphas and candidate prompts, Adam and SGD updates) and one train step (deep prompts of an uneven
 * layout, SGD) of a random tiny CLIP on a placement, against the same steps on the CPU in fp32, with
 * the same weights, prompts, images and labels. It reports the worst logit, loss and gradient errors
 * next to the placement's precision's {@link Precision.Tolerance} and the seconds of each step (the
 * second of two, so one-off start-up costs such as CUDA's context are left out).
 */
public final class SelfTest {
    /** 4 blocks per tower, width 128, 32-pixel images in 16 patches, the real tokenizer's vocabulary. */
    public static final ClipConfig TINY = new ClipConfig(64, 32, 4, 128, 4, 8, 77, 49408, 128, 4, 4);
    static final List<String> CLASSES = List.of("cat", "dog", "car", "tree");
    static final String TEMPLATE = "a photo of a {}.";
    static final int[] LABELS = {0, 1, 2, 3, 1, 0};
    static final List<Integer> CANDIDATES = List.of(0, 1, 2, 4);
    /** An uneven layout, as a search derives one: 2, 0, 1, 4, 2, 0, ... tokens in the text blocks, 1, 4, 0, 2, ... in the image blocks. */
    static PromptConfig layout(ClipConfig c) {
        List<Integer> text = new ArrayList<>();
        List<Integer> image = new ArrayList<>();
        int[] t = {2, 0, 1, 4};
        int[] v = {1, 4, 0, 2};
        for (int l = 0; l < c.textLayers(); l++) {
            text.add(t[l % t.length]);
        }
        for (int l = 0; l < c.visionLayers(); l++) {
            image.add(v[l % v.length]);
        }
        return new PromptConfig(text, image);
    }
    static final long SEED = 1;

    private SelfTest() {}

    /** One step's comparison with the CPU in fp32. */
    public record StepCheck(String step, float logitError, float lossError, float gradError, String worstGradient,
            double seconds, double cpuFp32Seconds) {

        /** What exceeds {@code t}, or empty. */
        Optional<String> failure(Precision.Tolerance t) {
            if (!Float.isFinite(logitError) || logitError > t.logits()) {
                return Optional.of(String.format("logits differ by %.3g from the CPU's fp32 ones (tolerance %.3g)", logitError, t.logits()));
            }
            if (!Float.isFinite(lossError) || lossError > t.loss()) {
                return Optional.of(String.format("the loss differs by %.3g (tolerance %.3g)", lossError, t.loss()));
            }
            if (!Float.isFinite(gradError) || gradError > t.gradRel()) {
                return Optional.of(String.format("gradient %s differs by %.3g of its largest element (tolerance %.3g)", worstGradient,
                        gradError, t.gradRel()));
            }
            return Optional.empty();
        }
    }

    /**
     * Both steps on {@code placement}, judged by {@code tolerance}; for bf16 on another device than the
     * CPU also {@code cpuSamePrecision}, the CPU's own bf16 steps against its fp32 ones (what bf16 costs
     * without the device; not judged), else empty.
     */
    public record Result(Placement placement, Precision.Tolerance tolerance, List<StepCheck> steps,
            List<StepCheck> cpuSamePrecision) {
        /** The first step that exceeds the tolerance, as one line, or empty. */
        public Optional<String> failure() {
            for (StepCheck s : steps) {
                Optional<String> f = s.failure(tolerance);
                if (f.isPresent()) {
                    return Optional.of(s.step() + " on " + placement + ": " + f.get());
                }
            }
            return Optional.empty();
        }
    }

    /** The self-test on {@code placement}, judged by its precision's tolerance. */
    public static Result run(Placement placement) {
        return run(placement, UnaryOperator.identity());
    }

    /**
     * @param onDevice what becomes of the CPU weights on their way to {@code placement} (the identity;
     *     tests corrupt them to see a broken device fail)
     */
    static Result run(Placement placement, UnaryOperator<Map<String, Tensor>> onDevice) {
        return run(TINY, SEED, placement, onDevice);
    }

    static Result run(ClipConfig config, long seed, Placement placement, UnaryOperator<Map<String, Tensor>> onDevice) {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> weights = RandomWeights.create(config, seed);
            List<StepCheck> checks = new ArrayList<>();
            List<StepCheck> cpuSame = new ArrayList<>();
            try (ClipModel cpu = ClipModel.placed(new ClipWeights(config, weights, null, null), Placement.CPU_FP32);
                    ClipModel dev = ClipModel.placed(new ClipWeights(config, onDevice.apply(weights), null, null), placement)) {
                Outputs search = supernetStep(cpu);
                Outputs train = trainStep(cpu);
                checks.add(compare("supernet step", supernetStep(dev), search));
                checks.add(compare("train step", trainStep(dev), train));
                if (placement.precision() != Precision.FP32 && !placement.device().equals(DeviceSpec.CPU)) {
                    try (ClipModel cpuLow = ClipModel.placed(new ClipWeights(config, weights, null, null),
                            new Placement(DeviceSpec.CPU, placement.precision()))) {
                        cpuSame.add(compare("supernet step", supernetStep(cpuLow), search));
                        cpuSame.add(compare("train step", trainStep(cpuLow), train));
                    }
                }
            }
            return new Result(placement, placement.precision().tolerance(), checks, cpuSame);
        }
    }

    /** What a step computed, copied to the JVM, and how long it took. */
    record Outputs(float[] logits, float loss, Map<String, float[]> grads, double seconds) {}

    /** The forward pass of a step under test: logits (B, C) of the images. */
    @FunctionalInterface
    interface Forward {
        Tensor logits(Tensor images);
    }

    /** Updates the parameters from their gradients, as the stage's optimisers do. */
    @FunctionalInterface
    interface Update {
        void apply(Map<String, Tensor> grads);
    }

    static Outputs supernetStep(ClipModel clip) {
        try (Scope s = Scope.open();
                Supernet net = Supernet.init(clip, CANDIDATES, SEED);
                Adam adam = new Adam(0.5f, 0.999f, 1e-8f, 0f, false);
                Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            ClassTexts texts = net.texts(clip, CLASSES, TEMPLATE);
            Map<String, Tensor> params = new LinkedHashMap<>(net.alphaParameters());
            params.putAll(net.promptParameters());
            return timedSteps(clip, params,
                    images -> clip.logits(net.imageFeatures(clip, images),
                            net.textFeatures(clip, texts)),
                    grads -> {
                        adam.step(net.alphaParameters(), grads, 3.5e-3f);
                        sgd.step(net.promptParameters(), grads, 3.5e-3f);
                    });
        }
    }

    static Outputs trainStep(ClipModel clip) {
        try (Scope s = Scope.open();
                DeepPrompts prompts = DeepPrompts.init(layout(clip.config()), clip, 0.02f, SEED);
                Sgd sgd = new Sgd(0.9f, 5e-4f)) {
            ClassTexts texts = prompts.texts(clip, CLASSES, List.of(TEMPLATE));
            return timedSteps(clip, prompts.parameters(), images -> prompts.logits(clip, images, texts),
                    grads -> sgd.step(prompts.parameters(), grads, 3.5e-3f));
        }
    }

    /**
     * Two steps (forward, gradients of {@code params}, update); the outputs of the first (before any
     * update) and the seconds of the second. Reading the loss ends each timed step, so a device that
     * runs asynchronously (CUDA) has finished it.
     */
    private static Outputs timedSteps(ClipModel clip, Map<String, Tensor> params, Forward forward, Update update) {
        Tensor images = images(clip);
        Outputs first = null;
        double seconds = 0;
        for (int i = 0; i < 2; i++) {
            try (Scope s = Scope.open()) {
                long t0 = System.nanoTime();
                Tensor logits = forward.logits(images);
                Tensor loss = Losses.crossEntropy(logits, LABELS);
                List<Tensor> g = Grads.of(loss, new ArrayList<>(params.values()));
                Map<String, Tensor> grads = new LinkedHashMap<>();
                int k = 0;
                for (String name : params.keySet()) {
                    grads.put(name, g.get(k++));
                }
                update.apply(grads);
                float lossValue = Tensors.item(loss);
                seconds = (System.nanoTime() - t0) / 1e9;
                if (i == 0) {
                    Map<String, float[]> gv = new LinkedHashMap<>();
                    grads.forEach((name, t) -> gv.put(name, Tensors.toFloats(t)));
                    first = new Outputs(Tensors.toFloats(logits), lossValue, gv, 0);
                }
            }
        }
        return new Outputs(first.logits(), first.loss(), first.grads(), seconds);
    }

    /** B deterministic normal images on {@code clip}'s device. */
    private static Tensor images(ClipModel clip) {
        int r = clip.config().imageResolution();
        float[] px = new float[LABELS.length * 3 * r * r];
        Random rng = new Random(SEED);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rng.nextGaussian();
        }
        return Tensors.floats(px, clip.device(), LABELS.length, 3, r, r);
    }

    private static StepCheck compare(String step, Outputs got, Outputs want) {
        float logits = maxAbsDiff(got.logits(), want.logits());
        float worst = 0;
        String worstName = "";
        for (Map.Entry<String, float[]> e : want.grads().entrySet()) {
            float[] w = e.getValue();
            float[] g = got.grads().get(e.getKey());
            float scale = 0;
            for (float v : w) {
                scale = Math.max(scale, Math.abs(v));
            }
            float rel = maxAbsDiff(g, w) / (scale > 0 ? scale : 1f);
            if (!(rel <= worst)) { // NaN counts as worst
                worst = rel;
                worstName = e.getKey();
            }
        }
        return new StepCheck(step, logits, Math.abs(got.loss() - want.loss()), worst, worstName, got.seconds(), want.seconds());
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            if (!(d <= m)) {
                m = d;
            }
        }
        return m;
    }
}
