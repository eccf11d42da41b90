package org.dpl4j.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.dpl4j.model.ClipConfig;
import org.junit.jupiter.api.Test;

class AlphaChunksTest {
    @Test
    void vitB16TakesTheValBatchInChunksOfFour() {
        // ≈0.35 GB of saved activations an image: 16 at once would keep ≈5.5 GB
        assertThat(AlphaChunks.bytesPerImage(ClipConfig.vitB16())).isBetween(300_000_000L, 400_000_000L);
        assertThat(AlphaChunks.size(ClipConfig.vitB16(), 16)).isEqualTo(4);
    }

    @Test
    void smallModelsAreNotChunked() {
        ClipConfig small = new ClipConfig(128, 64, 4, 192, 3, 8, 77, 49408, 128, 2, 4); // the bundled dpl4j-small
        assertThat(AlphaChunks.size(small, 16)).isEqualTo(16);
        assertThat(AlphaChunks.size(small, 3)).isEqualTo(3);
    }

    @Test
    void aHugeModelStillGetsOneImageAChunk() {
        ClipConfig huge = new ClipConfig(1024, 448, 48, 2048, 16, 14, 77, 49408, 1024, 16, 24);
        assertThat(AlphaChunks.size(huge, 16)).isEqualTo(1);
    }
}
