package org.dpl4j.prompts;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.testutil.FuzzFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code prompt-config.json} (what a search writes and {@code train --prompt-config} reads) on fuzzed
 * bytes. A config that reads must write back to itself, and the prompts it lays out on the golden
 * tiny CLIP's dims must either be made (a config cannot make them allocate more than its lengths
 * ask for) or be refused by {@link PromptConfig#checkFits}; anything else must be refused with an
 * IOException whose one line names the file.
 */
class PromptConfigFuzzTest {
    /** The golden tiny CLIP's dims (3 blocks per branch, width 64). */
    static final ClipConfig TINY = new ClipConfig(32, 32, 3, 64, 2, 8, 77, 49408, 64, 2, 3);
    static Path dir;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("dpl4j-fuzz-prompt-config");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        FuzzFiles.delete(dir);
    }

    @FuzzTest
    @DictionaryEntries({"\"text\"", "\"image\"", "\"context\""})
    void readsOrRefuses(byte[] data) throws Exception {
        Path file = FuzzFiles.write(dir.resolve("prompt-config.json"), data);
        PromptConfig c = returnsOrRefuses(() -> PromptConfig.read(file), file.toString(), IOException.class);
        if (c == null) {
            return;
        }
        c.write(dir.resolve("again.json"));
        if (!PromptConfig.read(dir.resolve("again.json")).equals(c)) {
            throw new AssertionError(c + " does not read back as itself");
        }
        DeepPrompts p;
        try {
            p = DeepPrompts.init(c, TINY, 0.02f, 1);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().startsWith("prompt config has ")) {
                throw e;
            }
            return; // another model's layout: checkFits refuses it
        }
        p.close();
    }
}
