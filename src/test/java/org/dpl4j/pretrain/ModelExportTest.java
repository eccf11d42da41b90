package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Sample;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.tensor.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported folder loads with {@code ClipModel.load} and computes what the trained weights
 * compute: exactly, given fp16-rounded weights; and the compact caption vocabulary gives the same
 * text features as the full table the export rebuilds.
 */
class ModelExportTest {
    @TempDir
    Path tmp;

    private static CaptionedData captions() {
        List<String> classes = List.of("red", "golf ball", "English Springer Spaniel");
        List<Sample> train = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            train.add(new Sample(Path.of("/x/" + c + ".png"), c, classes.get(c)));
        }
        return CaptionedData.of(List.of(new DatasetSplits("d", classes, train, List.of(), List.of())),
                List.of("a photo of a {}.", "a low resolution photo of the {}."), 1);
    }

    /** Perturbs every trainable tensor so the export cannot pass by rebuilding the initial weights. */
    private static void perturb(TrainableClip clip) {
        long seed = 0;
        for (Tensor p : clip.parameters().values()) {
            Tensors.copyInto(p, p.add(Tensors.mul(torch.randn(Tensors.shape(p)), 0.05f * (++seed % 2 == 0 ? 1 : -1))));
        }
    }

    @Test
    void exportLoadsBackAndComputesTheSameFeatures() throws IOException {
        ClipConfig cfg = ColourImages.tinyConfig();
        CaptionedData data = captions();
        CaptionTokens tokens = CaptionTokens.of(data, ClipTokenizer.load(), cfg.contextLength(), cfg.vocabSize());
        try (Scope s = Scope.open(); TrainableClip clip = TrainableClip.create(cfg, tokens, 3)) {
            perturb(clip);
            Map<String, Tensor> sd = clip.stateDict();
            Path folder = tmp.resolve("model");
            ModelExport.write(folder, cfg, sd, Map.of("steps", "7"));
            assertThat(Safetensors.metadata(folder.resolve(ModelExport.WEIGHTS))).containsEntry("steps", "7");
            assertThat(Files.readString(folder.resolve(ModelExport.CONFIG))).contains("\"transformer_width\" : 32")
                    .doesNotContain("grid");

            Map<String, Tensor> rounded = new LinkedHashMap<>();
            sd.forEach((k, v) -> rounded.put(k, Tensors.fp32(v.to(ScalarType.Half))));
            Tensor images = torch.randn(3, 3, 16, 16);
            int[] labels = {0, 1, 2, 0};
            int[] templates = {0, 1, 1, 1};
            long[][] full = ClipTokenizer.load().tokenize(List.of(data.fill(0, 0), data.fill(1, 1), data.fill(2, 1),
                    data.fill(0, 1)), 77);
            try (Scope sub = Scope.open(); ClipModel loaded = ClipLoader.load(folder, null);
                    ClipModel reference = ClipModel.of(new ClipWeights(cfg, rounded, null, null));
                    ClipModel trained = clip.model();
                    ClipModel fp32 = ClipModel.of(new ClipWeights(cfg, sd, null, null))) {
                assertThat(loaded.config()).isEqualTo(cfg);
                Tensor a = loaded.image().encode(images, BlockAttention.PLAIN);
                assertThat(Tensors.toFloats(a)).containsExactly(Tensors.toFloats(reference.image().encode(images, BlockAttention.PLAIN)));
                Tensor t = loaded.text().encode(full, BlockAttention.PLAIN);
                assertThat(Tensors.toFloats(t)).containsExactly(Tensors.toFloats(reference.text().encode(full, BlockAttention.PLAIN)));
                assertThat(loaded.scale()).isEqualTo(reference.scale());

                // the fp32 training graph, with compact token ids, agrees to fp16 rounding
                Tensor compact = trained.text().encode(tokens.rows(labels, templates), BlockAttention.PLAIN);
                Tensor fp32Full = fp32.text().encode(full, BlockAttention.PLAIN);
                assertThat(Tensors.toFloats(compact)).containsExactly(Tensors.toFloats(fp32Full));
                float scale = Tensors.item(t.abs().max());
                assertThat(Tensors.item(compact.sub(t).abs().max())).isLessThan(5e-3f * scale).isGreaterThan(0f);
            }
        }
    }

    @Test
    void untrainedTokenRowsKeepTheirInitialValues() {
        ClipConfig cfg = ColourImages.tinyConfig();
        CaptionTokens tokens = CaptionTokens.of(captions(), ClipTokenizer.load(), cfg.contextLength(), cfg.vocabSize());
        try (Scope s = Scope.open(); TrainableClip clip = TrainableClip.create(cfg, tokens, 3)) {
            float[] before = Tensors.toFloats(clip.stateDict().get(TrainableClip.TOKEN_EMBEDDING));
            perturb(clip);
            float[] after = Tensors.toFloats(clip.stateDict().get(TrainableClip.TOKEN_EMBEDDING));
            float[] compact = Tensors.toFloats(clip.parameters().get(TrainableClip.TOKEN_EMBEDDING));
            long[] used = tokens.usedIds();
            int w = cfg.textWidth();
            int k = 0;
            for (int row = 0; row < cfg.vocabSize(); row++) {
                for (int j = 0; j < w; j++) {
                    if (k < used.length && used[k] == row) {
                        assertThat(after[row * w + j]).isEqualTo(compact[k * w + j]).isNotEqualTo(before[row * w + j]);
                    } else {
                        assertThat(after[row * w + j]).isEqualTo(before[row * w + j]);
                    }
                }
                if (k < used.length && used[k] == row) {
                    k++;
                }
            }
            assertThat(k).isEqualTo(used.length);
        }
    }

    @Test
    void defaultModelFitsTheTwentyFiveMegabyteBudget() throws IOException {
        ClipConfig cfg = PretrainSettings.smallModel();
        try (Scope s = Scope.open()) {
            Map<String, Tensor> sd = org.dpl4j.model.RandomWeights.create(cfg, 1);
            Path folder = tmp.resolve("small");
            ModelExport.write(folder, cfg, sd, Map.of());
            long bytes = Files.size(folder.resolve(ModelExport.WEIGHTS)) + Files.size(folder.resolve(ModelExport.CONFIG));
            assertThat(bytes).isLessThanOrEqualTo(25_000_000L).isGreaterThan(17_000_000L);
        }
    }

    @Test
    void incompleteStateDictIsRejectedNamingTheTensor() {
        ClipConfig cfg = ColourImages.tinyConfig();
        try (Scope s = Scope.open()) {
            Map<String, Tensor> sd = new LinkedHashMap<>(org.dpl4j.model.RandomWeights.create(cfg, 1));
            sd.remove("visual.proj");
            assertThatThrownBy(() -> ModelExport.write(tmp.resolve("bad"), cfg, sd, Map.of()))
                    .hasMessageContaining("visual.proj").hasMessageContaining(tmp.resolve("bad").toString());
            assertThat(tmp.resolve("bad")).doesNotExist();
        }
    }
}
