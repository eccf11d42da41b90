package org.dpl4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.dpl4j.testutil.Shared;
import org.dpl4j.testutil.TinyRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library API as a user sees it: only {@link Classifier} and {@link Prediction} (the run is made
 * with the CLI). The oxford_pets demo has the classes Abyssinian, ... and the images are JPEGs.
 */
class ClassifierTest {
    @TempDir
    static Path dir;
    static Classifier classifier;
    static List<Path> images;

    @BeforeAll
    static void load() throws IOException {
        Path run = TinyRun.train(dir.resolve("run"), Shared.require("golden/tiny-clip"));
        classifier = Classifier.load(run);
        images = TinyRun.images(4);
    }

    @AfterAll
    static void close() {
        if (classifier != null) {
            classifier.close();
        }
    }

    @Test
    void topKIsEveryClassOnceMostProbableFirstWithProbabilitiesSummingToOne() throws IOException {
        List<String> labels = classifier.labels();
        assertThat(labels).hasSizeGreaterThan(1).doesNotHaveDuplicates();
        List<Prediction> all = classifier.classify(images.get(0), labels.size());
        assertThat(all).extracting(Prediction::label).containsExactlyInAnyOrderElementsOf(labels);
        assertThat(all).allSatisfy(p -> assertThat(labels.get(p.index())).isEqualTo(p.label()));
        assertThat(all.stream().mapToDouble(Prediction::probability).sum()).isCloseTo(1.0, within(1e-5));
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).probability()).isLessThanOrEqualTo(all.get(i - 1).probability());
        }
        assertThat(classifier.classify(images.get(0), 1)).containsExactly(all.get(0));
    }

    @Test
    void aFileItsBytesAndItsDecodedImageGiveTheSameAnswer() throws IOException {
        for (Path img : images) {
            List<Prediction> fromFile = classifier.classify(img, 3);
            assertThat(classifier.classify(Files.readAllBytes(img), 3)).as(img.toString()).isEqualTo(fromFile);
            BufferedImage decoded = ImageIO.read(img.toFile());
            assertThat(classifier.classify(decoded, 3)).as(img.toString()).isEqualTo(fromFile);
        }
    }

    @Test
    void aBatchAnswersAsSingleImagesDo() throws IOException {
        List<BufferedImage> decoded = new ArrayList<>();
        for (Path img : images) {
            decoded.add(ImageIO.read(img.toFile()));
        }
        List<List<Prediction>> batch = classifier.classifyAll(decoded, 2);
        assertThat(batch).hasSize(images.size());
        for (int i = 0; i < images.size(); i++) {
            assertSameAnswer(batch.get(i), classifier.classify(images.get(i), 2));
        }
    }

    @Test
    void concurrentCallersGetTheAnswersOfSequentialOnes() throws Exception {
        List<List<Prediction>> sequential = new ArrayList<>();
        for (Path img : images) {
            sequential.add(classifier.classify(img, 3));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Prediction>>> answers = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Path img : images) {
                    answers.add(pool.submit(() -> classifier.classify(img, 3)));
                }
            }
            for (int i = 0; i < answers.size(); i++) {
                assertSameAnswer(answers.get(i).get(), sequential.get(i % images.size()));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void bytesThatAreNoImageAreRefusedWithAMessage() {
        assertThatThrownBy(() -> classifier.classify("not an image".getBytes(), 3))
                .isInstanceOf(IOException.class).hasMessageContaining("unknown or unsupported image format");
    }

    @Test
    void aClosedClassifierRefusesWork() throws IOException {
        Path run = dir.resolve("run");
        Classifier c = Classifier.load(run);
        c.close();
        c.close();
        assertThatThrownBy(() -> c.classify(images.get(0), 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private static void assertSameAnswer(List<Prediction> actual, List<Prediction> expected) {
        assertThat(actual).extracting(Prediction::label).containsExactlyElementsOf(expected.stream().map(Prediction::label).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).probability()).isCloseTo(expected.get(i).probability(), within(1e-5f));
        }
    }
}
