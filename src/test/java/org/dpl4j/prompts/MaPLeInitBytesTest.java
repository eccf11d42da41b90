package org.dpl4j.prompts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.io.ClipLoader;
import org.dpl4j.tensor.Scope;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MaPLe's published layout initialises to the same bytes as before MaPLe took per-block lengths (issue 20):
 * the SHA-256 of prompts.safetensors of {@code MaPLe.init(tiny, 2, 9, 0.02, 1)} and of the {@code maple} preset's
 * learner, recorded from commit 9961fe6 (before the change).
 */
class MaPLeInitBytesTest {
    static final String BEFORE = "e9f968c4155125bb67dcf1bb09ea9fd9810275983124932c72c3611a297fc5a1";

    @TempDir
    Path tmp;

    @Test
    void thePublishedLayoutInitialisesToThePreviousBytes() throws Exception {
        try (Scope s = Scope.open(); ClipModel clip = ClipLoader.load(Shared.require("golden/tiny-clip"), null)) {
            Path a = tmp.resolve("a.safetensors");
            try (StreamPrompts m = MaPLe.init(clip, 2, 9, 0.02f, 1)) {
                m.save(a);
            }
            Path b = tmp.resolve("b.safetensors");
            try (PromptLearner m = PromptLearners.init("maple", Presets.resolve("maple", clip.config()), clip, 0.02f, 1)) {
                m.save(b);
            }
            String ha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(a)));
            String hb = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(b)));
            System.out.println("maple init sha256 " + ha + " preset " + hb);
            assertThat(hb).isEqualTo(ha);
            assertThat(ha).isEqualTo(BEFORE);
        }
    }
}
