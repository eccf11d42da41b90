package org.dpl4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.prompts.DeepPrompts;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.search.Supernet;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.Shared;
import org.dpl4j.training.Losses;
import org.dpl4j.training.StepRunner;
import org.dpl4j.training.optim.Adam;
import org.dpl4j.training.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * The device plumbing, run where a test can run it (the CPU): the compute packages name no device
 * of their own, and a train step and a search step, from the loaded model through the prompts, the
 * alphas, the logits, the gradients and the optimiser state, keep every tensor on the device the
 * model was placed on.
 */
class DevicePlumbingTest {
    static final List<String> COMPUTE = List.of("model", "prompts", "search", "training");

    @Test
    void computeCodeNamesNoDevice() throws IOException {
        List<String> hits = new ArrayList<>();
        for (String pkg : COMPUTE) {
            try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/dpl4j", pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String l = lines.get(i);
                        if (l.contains("DeviceType.CPU") || l.contains("DeviceType.CUDA") || l.contains("new Device(")
                                || l.contains("DeviceSpec.CPU")) {
                            hits.add(f + ":" + (i + 1) + ": " + l.trim());
                        }
                    }
                }
            }
        }
        assertThat(hits).as("devices come from the model's placement, never from a constant").isEmpty();
    }

    /**
     * A tensor made without a device lands on the CPU. The meta-device test catches it where it meets
     * a device tensor in an element-wise operation, a reduction or indexing, but libtorch's meta
     * kernels of matmul and cat do not compare devices: this scan covers those. A line that means the
     * CPU (weights the caller then places, a host counter) says so with a {@code // CPU:} comment;
     * {@code model.io} reads files into CPU memory by design.
     */
    @Test
    void computeCodeMakesNoTensorWithoutADevice() throws IOException {
        java.util.regex.Pattern deviceless = java.util.regex.Pattern.compile(
                "Tensors\\.(floats|longs|doubles)\\(|Tensors\\.(zeros|ones)\\(null|fp32\\(null|torch\\.(randn|rand|zeros|ones|full|empty|arange|eye)\\(");
        List<String> hits = new ArrayList<>();
        for (String pkg : COMPUTE) {
            try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/dpl4j", pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/model/io/")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String l = lines.get(i);
                        if (deviceless.matcher(l).find() && !l.contains("device") && !l.contains("// CPU:")) {
                            hits.add(f + ":" + (i + 1) + ": " + l.trim());
                        }
                    }
                }
            }
        }
        assertThat(hits).as("tensors made without a device (pass the model's, or mark a deliberate host tensor '// CPU: why')").isEmpty();
    }

    @Test
    void trainAndSearchStepsKeepEveryTensorOnTheRequestedDevice() throws Exception {
        DeviceSpec requested = DeviceSpec.parse("cpu");
        try (Scope s = Scope.open();
                ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null, new Placement(requested, Precision.FP32));
                DeepPrompts prompts = DeepPrompts.init(new PromptConfig(List.of(2, 0, 1), List.of(1, 2, 0)), clip, 0.02f, 1);
                Supernet net = Supernet.init(clip, List.of(0, 1, 2), 3);
                Sgd sgd = new Sgd(0.9f, 5e-4f);
                Adam adam = new Adam(0.5f, 0.999f, 1e-8f, 0f, false)) {
            // devices as read while each tensor is alive (a step's logits are freed with the step's scope)
            List<DeviceSpec> seen = new ArrayList<>();
            clip.weights().tensors().values().forEach(t -> seen.add(DeviceSpec.of(t.device())));
            long[][] tokens = Golden.tokens(Golden.tensors("zeroshot.safetensors").get("tokens"));
            int res = clip.config().imageResolution();
            torch.manual_seed(1);
            Tensor images = torch.randn(2, 3, res, res).to(clip.device(), torch.ScalarType.Float);
            int[] labels = {0, 1};
            StepRunner.step(() -> {
                Tensor logits = clip.logits(clip.image().encode(images, prompts.attention(Branch.IMAGE)),
                        clip.text().encode(tokens, prompts.attention(Branch.TEXT)));
                seen.add(DeviceSpec.of(logits.device()));
                return Losses.crossEntropy(logits, labels);
            }, prompts.parameters(), sgd, 0.01f);
            StepRunner.step(() -> {
                Tensor logits = clip.logits(clip.image().encode(images, net.attention(Branch.IMAGE)),
                        clip.text().encode(tokens, net.attention(Branch.TEXT)));
                seen.add(DeviceSpec.of(logits.device()));
                return Losses.crossEntropy(logits, labels);
            }, net.alphaParameters(), adam, 0.01f);
            for (Map<String, Tensor> m : List.of(prompts.parameters(), net.alphaParameters(), net.promptParameters(),
                    sgd.state(), adam.state())) {
                m.values().forEach(t -> seen.add(DeviceSpec.of(t.device())));
            }
            assertThat(sgd.state()).isNotEmpty();
            assertThat(adam.state()).isNotEmpty();
            assertThat(seen).hasSizeGreaterThan(clip.weights().tensors().size()).containsOnly(requested);
        }
    }
}
