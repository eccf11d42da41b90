package org.dpl4j.model.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The tokenizer on any Unicode text: the input is UTF-8, or, after a leading 0xFF byte, UTF-16LE code
 * units as they come (so lone surrogates and every code point occur). Class names and templates are
 * text users write; the tokenizer has no error of its own, so every text must give CLIP's token row:
 * {@link ClipTokenizer#CONTEXT_LENGTH} ids in the vocabulary, SOT first, an EOT the read-out finds,
 * padding zeros after it, the same ids on every call; and its ids must decode.
 */
class ClipTokenizerFuzzTest {
    private static final ClipTokenizer TOKENIZER = ClipTokenizer.load();

    @FuzzTest
    void tokenizesAnyText(byte[] data) {
        String text = data.length > 0 && data[0] == (byte) 0xFF
                ? new String(data, 1, data.length - 1, StandardCharsets.UTF_16LE)
                : new String(data, StandardCharsets.UTF_8);
        long[] ids = TOKENIZER.tokenize(text, ClipTokenizer.CONTEXT_LENGTH);
        int eot = ClipTokenizer.eotIndex(ids);
        boolean ok = ids.length == ClipTokenizer.CONTEXT_LENGTH && ids[0] == ClipTokenizer.SOT && ids[eot] == ClipTokenizer.EOT;
        int end = ids.length - 1;
        while (ok && ids[end] == 0) {
            end--;
        }
        ok &= ids[end] == ClipTokenizer.EOT;
        for (long id : ids) {
            ok &= id >= 0 && id <= ClipTokenizer.EOT;
        }
        if (!ok || !Arrays.equals(ids, TOKENIZER.tokenize(text, ClipTokenizer.CONTEXT_LENGTH))) {
            throw new AssertionError("bad token row " + Arrays.toString(ids) + " for " + text.codePoints().limit(200)
                    .mapToObj(Integer::toHexString).toList());
        }
        TOKENIZER.decode(TOKENIZER.encode(text));
    }
}
