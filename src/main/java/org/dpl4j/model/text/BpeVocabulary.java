package org.dpl4j.model.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE: the vocabulary built from the merges file and the merge loop of
 * {@code SimpleTokenizer.bpe}, with a bounded, thread-safe word cache.
 *
 * <p>Vocabulary layout (ids): 0..255 the byte stand-ins, 256..511 the same with {@code </w>}, then one
 * id per merge in file order, then {@code <|startoftext|>} and {@code <|endoftext|>}. The two special
 * tokens never go through BPE, exactly as CLIP pre-fills its cache with them.
 */
final class BpeVocabulary {
    /** CLIP reads lines {@code [1, 49152 - 256 - 2 + 1)} of the merges file: 48,894 merges. */
    static final int MERGES = 49152 - 256 - 2;
    static final String SOT_TEXT = "<|startoftext|>";
    static final String EOT_TEXT = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";
    /** Enough for every word of a large class-name list; beyond it words are merged uncached. */
    private static final int CACHE_LIMIT = 1 << 17;

    private final Map<String, Integer> encoder;
    private final String[] decoder;
    /** Merge rank keyed by {@code first + ' ' + second}; symbols never contain a space. */
    private final Map<String, Integer> ranks;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeVocabulary(List<String> merges) {
        char[] bytes = ByteLevel.vocabularyOrder();
        List<String> vocab = new ArrayList<>(512 + merges.size() + 2);
        for (char c : bytes) {
            vocab.add(String.valueOf(c));
        }
        for (char c : bytes) {
            vocab.add(c + END_OF_WORD);
        }
        ranks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            vocab.add(merges.get(rank).replace(" ", ""));
            ranks.put(merges.get(rank), rank); // a repeated pair keeps its last rank, as in Python
        }
        vocab.add(SOT_TEXT);
        vocab.add(EOT_TEXT);
        decoder = vocab.toArray(String[]::new);
        encoder = new HashMap<>(vocab.size() * 2);
        for (int id = 0; id < decoder.length; id++) {
            encoder.put(decoder[id], id); // later duplicates win, as in Python's dict(zip(...))
        }
    }

    /** Reads the gzipped merges file (a header line, then one "first second" pair per line). */
    static BpeVocabulary fromGzip(InputStream gz) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(gz), StandardCharsets.UTF_8))) {
            in.readLine(); // "#version: ..." header
            List<String> merges = new ArrayList<>(MERGES);
            for (int i = 0; i < MERGES; i++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IllegalArgumentException("merges file ends after " + i + " merges, expected " + MERGES);
                }
                if (line.split(" ", -1).length != 2) {
                    throw new IllegalArgumentException("malformed merge on line " + (i + 2) + ": '" + line + "'");
                }
                merges.add(line);
            }
            return new BpeVocabulary(merges);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read BPE merges", e);
        }
    }

    int size() {
        return decoder.length;
    }

    int id(String token) {
        Integer id = encoder.get(token);
        if (id == null) {
            throw new IllegalStateException("token not in vocabulary: " + token);
        }
        return id;
    }

    String token(int id) {
        if (id < 0 || id >= decoder.length) {
            throw new IllegalArgumentException("token id out of range [0, " + decoder.length + "): " + id);
        }
        return decoder[id];
    }

    /** Ids of one pre-token (a regex match of the cleaned text). */
    int[] encodeWord(String preToken) {
        if (preToken.equals(SOT_TEXT) || preToken.equals(EOT_TEXT)) {
            return new int[] {id(preToken)};
        }
        String word = ByteLevel.encode(preToken);
        int[] ids = cache.get(word);
        if (ids == null) {
            List<String> symbols = merge(word);
            ids = new int[symbols.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = id(symbols.get(i));
            }
            if (cache.size() < CACHE_LIMIT) {
                cache.put(word, ids);
            }
        }
        return ids.clone();
    }

    /**
     * The merge loop: start from single characters (the last one carrying {@code </w>}), repeatedly
     * merge every left-to-right, non-overlapping occurrence of the lowest-ranked adjacent pair.
     */
    private List<String> merge(String word) {
        List<String> symbols = new ArrayList<>(word.length());
        for (int i = 0; i < word.length(); i++) {
            String c = String.valueOf(word.charAt(i));
            symbols.add(i == word.length() - 1 ? c + END_OF_WORD : c);
        }
        while (symbols.size() > 1) {
            int best = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = ranks.get(symbols.get(i) + ' ' + symbols.get(i + 1));
                if (rank != null && rank < best) {
                    best = rank;
                    first = symbols.get(i);
                    second = symbols.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        return symbols;
    }
}
