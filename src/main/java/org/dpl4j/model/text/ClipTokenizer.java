package org.dpl4j.model.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI CLIP's {@code SimpleTokenizer} and {@code clip.tokenize(..., truncate=True)} in pure Java,
 * id for id: the text encoder's embedding table and its EOT read-out only work with exactly these ids.
 *
 * <p>Pipeline: {@link TextCleaner} (ftfy without mojibake repair, HTML unescape, whitespace, lower case),
 * CLIP's pre-tokenisation regex, then byte-level BPE ({@link BpeVocabulary}). Vocabulary: 49,408 ids,
 * {@link #SOT} and {@link #EOT} last.
 *
 * <p>The merges file {@code bpe_simple_vocab_16e6.txt.gz} is bundled unchanged from OpenAI CLIP
 * (MIT licence, see {@code bpe_simple_vocab_16e6.LICENSE.txt} beside it). Instances are immutable apart
 * from a concurrent BPE cache, so one instance can serve all threads.
 */
public final class ClipTokenizer {
    public static final int SOT = 49406, EOT = 49407, CONTEXT_LENGTH = 77;

    private static final String MERGES_RESOURCE = "bpe_simple_vocab_16e6.txt.gz";
    /**
     * CLIP's pattern, compiled with {@code re.IGNORECASE} in Python (the {@code regex} module). Under that
     * flag the module's negated class does not match U+0345 (combining ypogegrammeni, which case-folds to
     * a letter while not being one), so CLIP silently drops that character; excluding U+0345 from the last
     * class reproduces this. Letters and digits follow Java 17's Unicode 13 tables.
     */
    private static final Pattern PRE_TOKEN = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}\\u0345]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private final BpeVocabulary vocabulary;

    private ClipTokenizer(BpeVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        if (vocabulary.size() != EOT + 1 || vocabulary.id(BpeVocabulary.SOT_TEXT) != SOT) {
            throw new IllegalStateException("unexpected CLIP vocabulary size " + vocabulary.size());
        }
    }

    private static final class Bundled {
        static final ClipTokenizer INSTANCE = loadBundled();
    }

    /** The tokenizer with CLIP's bundled merges; built on first use (about 0.5 s) and shared. */
    public static ClipTokenizer load() {
        return Bundled.INSTANCE;
    }

    private static ClipTokenizer loadBundled() {
        try (InputStream in = ClipTokenizer.class.getResourceAsStream(MERGES_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource missing: " + MERGES_RESOURCE);
            }
            return new ClipTokenizer(BpeVocabulary.fromGzip(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** BPE ids of {@code text}, without {@link #SOT}/{@link #EOT} (CLIP's {@code SimpleTokenizer.encode}). */
    public int[] encode(String text) {
        Matcher m = PRE_TOKEN.matcher(TextCleaner.clean(text));
        List<int[]> words = new ArrayList<>();
        int total = 0;
        while (m.find()) {
            int[] ids = vocabulary.encodeWord(m.group());
            words.add(ids);
            total += ids.length;
        }
        int[] out = new int[total];
        int pos = 0;
        for (int[] ids : words) {
            System.arraycopy(ids, 0, out, pos, ids.length);
            pos += ids.length;
        }
        return out;
    }

    /**
     * {@code [SOT, ids..., EOT, 0, ...]} of length {@code contextLength}. Too long a text is cut to
     * {@code contextLength} ids and its last id replaced by {@link #EOT}, as
     * {@code clip.tokenize(truncate=True)} does, so the EOT read-out always finds a token.
     */
    public long[] tokenize(String text, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must leave room for SOT and EOT: " + contextLength);
        }
        int[] ids = encode(text);
        long[] out = new long[contextLength];
        out[0] = SOT;
        int n = Math.min(ids.length, contextLength - 2);
        for (int i = 0; i < n; i++) {
            out[i + 1] = ids[i];
        }
        out[n + 1] = EOT;
        return out;
    }

    /** {@link #tokenize(String, int)} for each text: one row per text. */
    public long[][] tokenize(List<String> texts, int contextLength) {
        long[][] out = new long[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokenize(texts.get(i), contextLength);
        }
        return out;
    }

    /**
     * CLIP's {@code decode}: byte-level text of the ids, each {@code </w>} becoming a space (so a
     * decoded text ends with a space). Padding id 0 decodes to {@code !}, as in CLIP: strip it first.
     */
    public String decode(int[] ids) {
        StringBuilder standIns = new StringBuilder();
        for (int id : ids) {
            standIns.append(vocabulary.token(id));
        }
        return ByteLevel.decode(standIns).replace("</w>", " ");
    }

    /**
     * Index of the largest id, the first one on ties: where CLIP reads the text feature
     * ({@code x[arange, text.argmax(-1)]}). Without a literal {@code <|endoftext|>} in the text this is
     * the position of the closing EOT.
     */
    public static int eotIndex(long[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("empty token sequence");
        }
        int best = 0;
        for (int i = 1; i < tokens.length; i++) {
            if (tokens[i] > tokens[best]) {
                best = i;
            }
        }
        return best;
    }
}
