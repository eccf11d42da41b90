package org.dpl4j.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.model.BlockAttention;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.text.ClipTokenizer;
import org.dpl4j.prompts.Templates;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Shape;
import org.dpl4j.tensor.Tensors;
import org.dpl4j.testutil.Golden;
import org.dpl4j.testutil.RandomClip;
import org.dpl4j.util.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distillation teacher ({@code --distill}) is zero-shot CLIP's 60-template feature ensemble, and
 * the distillation term of the training loss reads it: checked against an independent computation
 * from CLIP's text features (each template's prompts encoded, normalised in doubles here, averaged,
 * normalised again).
 */
class DistillationTeacherTest {
    static final ClipConfig CFG = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 49408, 64, 2, 3);
    static final List<String> CLASSES = List.of("cat", "golden_retriever", "red car", "tabby");
    static final float TOL = 1e-5f;

    static ClipModel clip;

    @BeforeAll
    static void model() {
        clip = RandomClip.create(CFG, 11);
    }

    @AfterAll
    static void close() {
        clip.close();
    }

    /** Per class (C, E): mean over {@code templates} of each template's unit text feature, normalised; in doubles. */
    static Tensor independentTeacher(List<String> templates) {
        int c = CLASSES.size();
        int e = CFG.embedDim();
        double[] sum = new double[c * e];
        ClipTokenizer tok = ClipTokenizer.load();
        for (String t : templates) {
            long[][] tokens = tok.tokenize(CLASSES.stream().map(n -> Templates.fill(t, n)).toList(), CFG.contextLength());
            float[] f;
            try (Scope s = Scope.open()) {
                f = Tensors.toFloats(Tensors.fp32(clip.text().encode(tokens, BlockAttention.PLAIN)));
            }
            for (int i = 0; i < c; i++) {
                double norm = 0;
                for (int j = 0; j < e; j++) {
                    norm += (double) f[i * e + j] * f[i * e + j];
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < e; j++) {
                    sum[i * e + j] += f[i * e + j] / norm / templates.size();
                }
            }
        }
        float[] out = new float[c * e];
        for (int i = 0; i < c; i++) {
            double norm = 0;
            for (int j = 0; j < e; j++) {
                norm += sum[i * e + j] * sum[i * e + j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < e; j++) {
                out[i * e + j] = (float) (sum[i * e + j] / norm);
            }
        }
        return Tensors.floats(out, clip.device(), c, e);
    }

    static Tensor randomImages(int n, long seed) {
        Random r = new Random(seed);
        float[] px = new float[n * 3 * CFG.imageResolution() * CFG.imageResolution()];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) r.nextGaussian();
        }
        return Tensors.floats(px, clip.device(), n, 3, CFG.imageResolution(), CFG.imageResolution());
    }

    /** Zero-shot CLIP's logits (B, C) over class features (C, E), computed here. */
    static Tensor zeroShotLogits(Tensor images, Tensor classFeatures) {
        Tensor f = ClipModel.normalize(Tensors.fp32(clip.image().encode(images, BlockAttention.PLAIN)));
        return f.matmul(classFeatures.t()).mul(new org.bytedeco.pytorch.Scalar((double) clip.scale()));
    }

    @Test
    void teacherIsTheRenormalisedMeanOfTheUnitFeaturesOfAll60Templates() {
        assertThat(Templates.ENSEMBLE).hasSize(60);
        try (Scope s = Scope.open()) {
            Tensor teacher = TrainJob.teacherText(clip, CLASSES, 64, Progress.NONE);
            assertThat(Shape.of(teacher).dims()).as("teacher shape (E, C)").containsExactly(CFG.embedDim(), CLASSES.size());
            assertThat(teacher.requires_grad()).as("teacher requires grad").isFalse();
            Tensor expected = independentTeacher(Templates.ENSEMBLE);
            assertThat(Golden.maxAbsDiff(teacher.t(), expected))
                    .as("teacher vs CLIP's 60-template ensemble computed independently").isLessThanOrEqualTo(TOL);
            // and it is not the ensemble of any fewer templates
            assertThat(Golden.maxAbsDiff(expected, independentTeacher(Templates.ENSEMBLE.subList(1, 60)))).isGreaterThan(1e-3f);
        }
    }

    @Test
    void distillationLossIsKlToTheTeachersLogitsAndChangesWithTheTeacher() {
        try (Scope s = Scope.open()) {
            Tensor images = randomImages(3, 5);
            Random r = new Random(9);
            float[] st = new float[3 * CLASSES.size()];
            for (int i = 0; i < st.length; i++) {
                st[i] = (float) (3 * r.nextGaussian());
            }
            Tensor student = Tensors.floats(st, clip.device(), 3, CLASSES.size());

            Tensor teacherLogits = PromptTrainer.teacherLogits(clip, images, TrainJob.teacherText(clip, CLASSES, 64, Progress.NONE));
            float kd = Tensors.item(Losses.distillation(student, teacherLogits));
            Tensor expectedLogits = zeroShotLogits(images, independentTeacher(Templates.ENSEMBLE));
            float expectedKd = Tensors.item(Losses.distillation(student, expectedLogits));
            assertThat(kd).as("KD loss against the independent teacher").isCloseTo(expectedKd,
                    org.assertj.core.data.Offset.offset(1e-6f + 1e-5f * Math.abs(expectedKd)));
            assertThat(Golden.maxAbsDiff(teacherLogits, expectedLogits)).as("teacher logits").isLessThanOrEqualTo(1e-3f);

            // another teacher (one template fewer) gives another loss; the teacher itself gives none
            float other = Tensors.item(Losses.distillation(student,
                    zeroShotLogits(images, independentTeacher(Templates.ENSEMBLE.subList(1, 60)))));
            assertThat(Math.abs(other - kd)).as("KD change when the teacher loses a template").isGreaterThan(1e-4f);
            assertThat(Tensors.item(Losses.distillation(teacherLogits, teacherLogits))).isCloseTo(0f,
                    org.assertj.core.data.Offset.offset(1e-7f));
        }
    }
}
