package org.dpl4j.prompts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.dpl4j.model.Branch;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.util.AtomicFiles;
import org.dpl4j.util.JsonProblem;

/**
 * The DPL configuration: how many deep-prompt tokens enter each block of each branch (0 = none).
 * This is what the search stage finds and the train stage consumes. {@code context} > 0 adds
 * CoOp's learned input context: that many vectors replace the template words before the class name.
 */
public record PromptConfig(@JsonProperty("text") List<Integer> text, @JsonProperty("image") List<Integer> image,
        @JsonProperty("context") int context) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Deep prompts only (no learned input context). */
    public PromptConfig(List<Integer> text, List<Integer> image) {
        this(text, image, 0);
    }

    public PromptConfig {
        if (context < 0) {
            throw new IllegalArgumentException("context length must be >= 0, got " + context);
        }
        text = List.copyOf(text);
        image = List.copyOf(image);
        for (List<Integer> l : List.of(text, image)) {
            for (Integer n : l) {
                if (n == null || n < 0) {
                    throw new IllegalArgumentException("prompt lengths must be >= 0, got " + l);
                }
            }
        }
    }

    /** n tokens in blocks 1..depth of both branches, none deeper (the hand-designed layouts). */
    public static PromptConfig uniform(int textTokens, int imageTokens, int depth, int textLayers, int imageLayers) {
        return new PromptConfig(fill(textTokens, depth, textLayers), fill(imageTokens, depth, imageLayers));
    }

    private static List<Integer> fill(int n, int depth, int layers) {
        Integer[] a = new Integer[layers];
        for (int i = 0; i < layers; i++) {
            a[i] = i < depth ? n : 0;
        }
        return List.of(a);
    }

    /** No prompts at all: the layout of the zero-shot baselines ({@link ZeroShotBaseline}). */
    public static PromptConfig none(int textLayers, int imageLayers) {
        return new PromptConfig(Collections.nCopies(textLayers, 0), Collections.nCopies(imageLayers, 0));
    }

    public List<Integer> lengths(Branch b) {
        return b == Branch.TEXT ? text : image;
    }

    /** Number of learned scalars: Σ n_l · width over both branches. */
    public long trainableParameters(ClipConfig c) {
        return c.textWidth() * (long) (context + text.stream().mapToInt(Integer::intValue).sum())
                + c.visionWidth() * (long) image.stream().mapToInt(Integer::intValue).sum();
    }

    @JsonIgnore
    public boolean isEmpty() {
        return context == 0 && text.stream().allMatch(n -> n == 0) && image.stream().allMatch(n -> n == 0);
    }

    /**
     * Fails with a message naming the branch when the layer counts do not fit the model, or a block's prompts
     * are longer than the token sequence of its branch (77 text, 197 image tokens at ViT-B/16; the context,
     * which replaces template words, must leave room for SOT and EOT): no method uses longer ones, and a
     * prompt-config.json of a few bytes must not make training allocate gigabytes of prompts.
     */
    public void checkFits(ClipConfig c) {
        if (text.size() != c.textLayers() || image.size() != c.visionLayers()) {
            throw new IllegalArgumentException("prompt config has " + text.size() + " text / " + image.size()
                    + " image blocks but the model has " + c.textLayers() + " / " + c.visionLayers());
        }
        int longestText = text.stream().mapToInt(Integer::intValue).max().orElse(0);
        int longestImage = image.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (longestText > c.contextLength() || longestImage > c.imageTokens() || context > c.contextLength() - 2) {
            throw new IllegalArgumentException("prompt config has prompts of up to " + longestText + " text / " + longestImage
                    + " image tokens and a context of " + context + ", longer than the model's sequences (" + c.contextLength()
                    + " text, " + c.imageTokens() + " image tokens; a context of at most " + (c.contextLength() - 2) + ")");
        }
    }

    public static PromptConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("prompt config not found: " + file);
        }
        try {
            return JSON.readValue(file.toFile(), PromptConfig.class);
        } catch (JacksonException e) {
            throw new IOException(file + ": not a prompt config ({\"text\": [...], \"image\": [...]}): " + JsonProblem.of(e), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + ": not a prompt config ({\"text\": [...], \"image\": [...]}): " + e.getMessage(), e);
        }
    }

    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, toJson());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return (context > 0 ? "context " + context + " " : "") + "text " + text + " image " + image;
    }
}
