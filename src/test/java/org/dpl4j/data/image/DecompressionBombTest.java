package org.dpl4j.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dpl4j.data.BadSampleException;
import org.dpl4j.data.BadSamplePolicy;
import org.dpl4j.data.Batch;
import org.dpl4j.data.BatchLoader;
import org.dpl4j.data.Sample;
import org.dpl4j.data.SampleTransforms;
import org.dpl4j.testutil.BombPng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PNG whose header declares 30000 × 30000 pixels is refused from its header, before decoding,
 * by the decoder of files and of uploads, and the training data loader treats it as a bad image.
 */
class DecompressionBombTest {
    @TempDir
    Path tmp;

    @Test
    void aFileDeclaringMorePixelsThanPillowAllowsIsRefusedNamingItsSize() throws Exception {
        Path bomb = Files.write(tmp.resolve("bomb.png"), BombPng.bytes(30000, 30000));
        assertThatThrownBy(() -> ImageDecoder.readRgb(bomb)).isInstanceOf(ImageTooLargeException.class)
                .hasMessage("cannot read image " + bomb + ": 30000x30000 pixels (900000000) is more than the limit of "
                        + ImageDecoder.MAX_PIXELS + " pixels; refused before decoding");
    }

    @Test
    void uploadsAreRefusedAboveTheCallersLimitAndDecodedBelowIt() throws Exception {
        byte[] small = BombPng.bytes(40, 30);
        assertThatThrownBy(() -> ImageDecoder.read(small, "the upload", 40 * 30 - 1))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("cannot read image the upload: 40x30 pixels")
                .satisfies(e -> assertThat(((ImageTooLargeException) e).width()).isEqualTo(40));
        assertThat(ImageDecoder.read(small, "the upload", 40 * 30).getWidth()).isEqualTo(40);
    }

    @Test
    void theTrainingLoaderRefusesTheBombAsABadImage() throws Exception {
        Path good = Files.write(tmp.resolve("good.png"), BombPng.bytes(40, 16));
        Path bomb = Files.write(tmp.resolve("bomb.png"), BombPng.bytes(30000, 30000));
        List<Sample> samples = List.of(new Sample(good, 0, "a"), new Sample(bomb, 1, "b"), new Sample(good, 0, "a"));
        try (BatchLoader l = BatchLoader.builder(samples, SampleTransforms.train(16)).batchSize(2).workers(1).shuffle(false)
                .onBadSample(BadSamplePolicy.SKIP).build();
                BatchLoader.Epoch it = l.epoch(0)) {
            List<Batch> batches = new ArrayList<>();
            it.forEachRemaining(batches::add);
            assertThat(it.skippedCount()).isEqualTo(1);
            assertThat(batches).extracting(Batch::size).containsExactly(2);
        }
        try (BatchLoader l = BatchLoader.builder(samples, SampleTransforms.train(16)).batchSize(2).workers(1).shuffle(false)
                .onBadSample(BadSamplePolicy.FAIL).build();
                BatchLoader.Epoch it = l.epoch(0)) {
            assertThatThrownBy(() -> it.forEachRemaining(b -> { })).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining(bomb.toString()).hasRootCauseInstanceOf(ImageTooLargeException.class);
        }
    }
}
