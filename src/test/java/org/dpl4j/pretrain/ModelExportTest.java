package org.dpl4j.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dpl4j.data.DatasetSplits;
import org.dpl4j.data.Sample;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.ClipWeights;
import org.dpl4j.model.io.Safetensors;
import org.dpl4j.model.text.ClipTokenizer;
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
    private static void perturb(TrainableClip clip, NDManager m) {
        long seed = 0;
        for (NDArray p : clip.parameters().values()) {
            p.addi(m.randomNormal(0, 0.05f, p.getShape(), DataType.FLOAT32).mul(++seed % 2 == 0 ? 1 : -1));
        }
    }

    @Test
    void exportLoadsBackAndComputesTheSameFeatures() throws IOException {
        ClipConfig cfg = ColourImages.tinyConfig();
        CaptionedData data = captions();
        CaptionTokens tokens = CaptionTokens.of(data, ClipTokenizer.load(), cfg.contextLength(), cfg.vocabSize());
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableClip clip = TrainableClip.create(cfg, tokens, m, 3);
            perturb(clip, m);
            Map<String, NDArray> sd = clip.stateDict(m);
            Path folder = tmp.resolve("model");
            ModelExport.write(folder, cfg, sd, Map.of("steps", "7"));
            assertThat(Safetensors.metadata(folder.resolve(ModelExport.WEIGHTS))).containsEntry("steps", "7");
            assertThat(Files.readString(folder.resolve(ModelExport.CONFIG))).contains("\"transformer_width\" : 32")
                    .doesNotContain("grid");

            Map<String, NDArray> rounded = new LinkedHashMap<>();
            sd.forEach((k, v) -> rounded.put(k, v.toType(DataType.FLOAT16, true).toType(DataType.FLOAT32, true)));
            NDArray images = m.randomNormal(new Shape(3, 3, 16, 16));
            int[] labels = {0, 1, 2, 0};
            int[] templates = {0, 1, 1, 1};
            long[][] full = ClipTokenizer.load().tokenize(List.of(data.fill(0, 0), data.fill(1, 1), data.fill(2, 1),
                    data.fill(0, 1)), 77);
            try (NDManager sub = m.newSubManager(); ClipModel loaded = ClipModel.load(folder, null, m)) {
                assertThat(loaded.config()).isEqualTo(cfg);
                ClipModel reference = ClipModel.of(sub, new ClipWeights(cfg, rounded, null, null));
                NDArray a = loaded.image().encode(images, BlockAttention.PLAIN);
                assertThat(a.toFloatArray()).containsExactly(reference.image().encode(images, BlockAttention.PLAIN).toFloatArray());
                NDArray t = loaded.text().encode(sub, full, BlockAttention.PLAIN);
                assertThat(t.toFloatArray()).containsExactly(reference.text().encode(sub, full, BlockAttention.PLAIN).toFloatArray());
                assertThat(loaded.scale()).isEqualTo(reference.scale());

                // the fp32 training graph, with compact token ids, agrees to fp16 rounding
                ClipModel trained = clip.model(sub);
                NDArray compact = trained.text().encode(sub, tokens.rows(labels, templates), BlockAttention.PLAIN);
                NDArray fp32Full = ClipModel.of(sub, new ClipWeights(cfg, sd, null, null)).text().encode(sub, full,
                        BlockAttention.PLAIN);
                assertThat(compact.toFloatArray()).containsExactly(fp32Full.toFloatArray());
                float scale = t.abs().max().getFloat();
                assertThat(compact.sub(t).abs().max().getFloat()).isLessThan(5e-3f * scale).isGreaterThan(0f);
            }
        }
    }

    @Test
    void untrainedTokenRowsKeepTheirInitialValues() {
        ClipConfig cfg = ColourImages.tinyConfig();
        CaptionTokens tokens = CaptionTokens.of(captions(), ClipTokenizer.load(), cfg.contextLength(), cfg.vocabSize());
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableClip clip = TrainableClip.create(cfg, tokens, m, 3);
            float[] before = clip.stateDict(m).get(TrainableClip.TOKEN_EMBEDDING).toFloatArray();
            perturb(clip, m);
            float[] after = clip.stateDict(m).get(TrainableClip.TOKEN_EMBEDDING).toFloatArray();
            float[] compact = clip.parameters().get(TrainableClip.TOKEN_EMBEDDING).toFloatArray();
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
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> sd = org.dpl4j.model.RandomWeights.create(cfg, m, 1);
            Path folder = tmp.resolve("small");
            ModelExport.write(folder, cfg, sd, Map.of());
            long bytes = Files.size(folder.resolve(ModelExport.WEIGHTS)) + Files.size(folder.resolve(ModelExport.CONFIG));
            assertThat(bytes).isLessThanOrEqualTo(25_000_000L).isGreaterThan(17_000_000L);
        }
    }

    @Test
    void incompleteStateDictIsRejectedNamingTheTensor() {
        ClipConfig cfg = ColourImages.tinyConfig();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> sd = new LinkedHashMap<>(org.dpl4j.model.RandomWeights.create(cfg, m, 1));
            sd.remove("visual.proj");
            assertThatThrownBy(() -> ModelExport.write(tmp.resolve("bad"), cfg, sd, Map.of()))
                    .hasMessageContaining("visual.proj").hasMessageContaining(tmp.resolve("bad").toString());
            assertThat(tmp.resolve("bad")).doesNotExist();
        }
    }
}
