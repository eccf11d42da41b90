package org.dpl4j.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.dpl4j.testutil.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClipTokenizerTest {
    private static final ClipTokenizer TOK = ClipTokenizer.load();

    // ---- golden cases from the reference Python tokenizer (skipped without ../shared) ----

    private static JsonNode golden() throws IOException {
        return new ObjectMapper().readTree(Shared.require("golden/tokenizer_cases.json").toFile());
    }

    static Stream<Arguments> goldenCases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        int i = 0;
        for (JsonNode c : golden().get("cases")) {
            long[] ids = new long[c.get("ids").size()];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = c.get("ids").get(k).asLong();
            }
            cases.add(Arguments.of(i++, c.get("text").asText(), ids));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "case {0}: {1}")
    @MethodSource("goldenCases")
    void matchesReferenceTokenizer(int index, String text, long[] expected) {
        assertThat(TOK.tokenize(text, expected.length)).as("case %d %s", index, text).containsExactly(expected);
    }

    @Test
    void goldenFileAgreesWithConstants() throws IOException {
        JsonNode g = golden();
        assertThat(g.get("sot").asInt()).isEqualTo(ClipTokenizer.SOT);
        assertThat(g.get("eot").asInt()).isEqualTo(ClipTokenizer.EOT);
        assertThat(g.get("context_length").asInt()).isEqualTo(ClipTokenizer.CONTEXT_LENGTH);
        assertThat(g.get("cases")).hasSizeGreaterThanOrEqualTo(20);
    }

    // ---- self-contained checks ----

    @Test
    void encodesAKnownPromptLikeClip() {
        // ids published with CLIP: "a photo of a cat." (no SOT/EOT)
        assertThat(TOK.encode("a photo of a cat.")).containsExactly(320, 1125, 539, 320, 2368, 269);
        assertThat(TOK.encode("")).isEmpty();
    }

    @Test
    void tokenizeWrapsAndPads() {
        long[] t = TOK.tokenize("a photo of a cat.", ClipTokenizer.CONTEXT_LENGTH);
        assertThat(t).hasSize(77);
        assertThat(Arrays.copyOf(t, 9)).containsExactly(ClipTokenizer.SOT, 320, 1125, 539, 320, 2368, 269, ClipTokenizer.EOT, 0);
        assertThat(Arrays.stream(t, 8, 77)).containsOnly(0L);
    }

    @Test
    void decodeInvertsEncodeUpToWordSpacing() {
        assertThat(TOK.decode(TOK.encode("a photo of a golden retriever.")))
                .isEqualTo("a photo of a golden retriever . ");
        // byte-level BPE is lossless for any (cleaned) text, including non-Latin scripts and emoji
        String text = "café naïve 日本語のテキスト 🙂";
        assertThat(TOK.decode(TOK.encode(text))).isEqualTo(text + " ");
        assertThat(TOK.decode(new int[] {ClipTokenizer.SOT, ClipTokenizer.EOT})).isEqualTo("<|startoftext|><|endoftext|>");
    }

    @Test
    void decodeRejectsUnknownIds() {
        assertThatThrownBy(() -> TOK.decode(new int[] {ClipTokenizer.EOT + 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TOK.decode(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncationKeepsEotLast() {
        String longText = "the quick brown fox jumps over the lazy dog ".repeat(20);
        int[] ids = TOK.encode(longText);
        assertThat(ids.length).isGreaterThan(77);

        long[] t = TOK.tokenize(longText, 77);
        assertThat(t).hasSize(77);
        assertThat(t[0]).isEqualTo(ClipTokenizer.SOT);
        assertThat(t[76]).isEqualTo(ClipTokenizer.EOT);
        for (int i = 1; i < 76; i++) {
            assertThat(t[i]).as("position %d", i).isEqualTo(ids[i - 1]);
        }
        assertThat(ClipTokenizer.eotIndex(t)).isEqualTo(76);

        assertThat(TOK.tokenize("a photo of a cat.", 4)).containsExactly(ClipTokenizer.SOT, 320, 1125, ClipTokenizer.EOT);
        assertThat(TOK.tokenize("a photo of a cat.", 2)).containsExactly(ClipTokenizer.SOT, ClipTokenizer.EOT);
    }

    @Test
    void exactFitIsNotTruncated() {
        long[] t = TOK.tokenize("a photo of a cat.", 8); // SOT + 6 ids + EOT
        assertThat(t).containsExactly(ClipTokenizer.SOT, 320, 1125, 539, 320, 2368, 269, ClipTokenizer.EOT);
    }

    @Test
    void rejectsContextTooShortForSotAndEot() {
        assertThatThrownBy(() -> TOK.tokenize("cat", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contextLength");
    }

    @Test
    void eotIndexIsTheFirstArgmax() {
        assertThat(ClipTokenizer.eotIndex(TOK.tokenize("a photo of a cat.", 77))).isEqualTo(7);
        assertThat(ClipTokenizer.eotIndex(TOK.tokenize("", 77))).isEqualTo(1);
        assertThat(ClipTokenizer.eotIndex(new long[] {5, 9, 3, 9, 0})).isEqualTo(1);
        // a literal <|endoftext|> in the text is a real EOT id, and CLIP's argmax picks it
        assertThat(ClipTokenizer.eotIndex(TOK.tokenize("cat <|endoftext|> dog", 77))).isEqualTo(2);
        assertThatThrownBy(() -> ClipTokenizer.eotIndex(new long[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void specialTokensInTextMapToTheirIds() {
        assertThat(TOK.encode("<|startoftext|>cat<|ENDOFTEXT|>"))
                .containsExactly(ClipTokenizer.SOT, 2368, ClipTokenizer.EOT);
    }

    @Test
    void batchTokenizeIsRowWise() {
        List<String> texts = List.of("a photo of a cat.", "a photo of a dog.", "");
        long[][] batch = TOK.tokenize(texts, 77);
        assertThat(batch).hasNumberOfRows(3);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch[i]).containsExactly(TOK.tokenize(texts.get(i), 77));
        }
    }

    @Test
    void loadIsSharedAndConcurrentUseIsConsistent() {
        assertThat(ClipTokenizer.load()).isSameAs(TOK);
        List<String> texts = IntStream.range(0, 400).mapToObj(i -> "class_" + i + " photo of item number " + (i * 7919))
                .toList();
        List<long[]> sequential = texts.stream().map(t -> TOK.tokenize(t, 77)).toList();
        List<long[]> parallel = texts.parallelStream().map(t -> ClipTokenizer.load().tokenize(t, 77)).toList();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(parallel.get(i)).containsExactly(sequential.get(i));
        }
    }
}
