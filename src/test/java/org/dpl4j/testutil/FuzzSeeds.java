package org.dpl4j.testutil;

import org.dpl4j.model.io.ClipLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;
import org.dpl4j.api.Bundle;
import org.dpl4j.model.ClipConfig;
import org.dpl4j.model.ClipModel;
import org.dpl4j.model.RandomWeights;
import org.dpl4j.tensor.io.Safetensors;
import org.dpl4j.prompts.PromptConfig;
import org.dpl4j.run.Json;
import org.dpl4j.run.RunDirectory;
import org.dpl4j.tensor.Scope;
import org.dpl4j.tensor.Tensors;

/**
 * Writes the committed seed inputs of the fuzz targets ({@code *FuzzTest}) into
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/}: real files, kept small (a few KB), from
 * the golden data, the demo data and what the project itself writes (a tiny train run, a bundle, a
 * micro CLIP in both weight formats). Run once from the repository root after {@code mvn test-compile}:
 * {@code java -cp target/test-classes:target/classes:<test classpath> org.dpl4j.testutil.FuzzSeeds};
 * {@code scripts/fuzz.sh} adds the larger shared files to the fuzzing corpus at fuzz time only.
 */
public final class FuzzSeeds {
    private static final Path RESOURCES = Path.of("src/test/resources/org/dpl4j");
    /** A CLIP of 4-wide blocks, one per branch: a complete model in a few KB. */
    static final ClipConfig MICRO = new ClipConfig(4, 4, 1, 4, 1, 2, 4, 8, 4, 1, 1);

    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("dpl4j-fuzz-seeds");
        try (Scope s = Scope.open()) {
            safetensors(work);
            models(work);
            bundles(work);
            runFiles(work);
        }
        datasets();
        multipartAndImages();
        tokenizer();
        FuzzFiles.delete(work);
    }

    private static Path inputs(String target, String method) throws IOException {
        return Files.createDirectories(RESOURCES.resolve(target + "Inputs").resolve(method));
    }

    private static void seed(Path dir, String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void safetensors(Path work) throws IOException {
        Path dir = inputs("model/io/SafetensorsFuzzTest", "readsOrRefuses");
        Files.copy(Shared.require("golden/embed_cases.safetensors"), dir.resolve("golden-embed_cases.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("f32", Tensors.floats(new float[] {1, -2, 3.5f, 0}, 2, 2));
        t.put("f16", Tensors.floats(new float[] {1, 2, 3}, 3).to(org.bytedeco.pytorch.global.torch.ScalarType.Half));
        t.put("i64", Tensors.longs(new long[] {7, -1}, 2));
        t.put("scalar", Tensors.floats(new float[] {4.6f}));
        t.put("empty", Tensors.floats(new float[0], 0, 3));
        Path f = work.resolve("dtypes.safetensors");
        Safetensors.write(f, t, Map.of("format", "pt", "note", "dpl4j fuzz seed"));
        seed(dir, "dtypes-with-metadata.safetensors", Files.readAllBytes(f));
        Safetensors.write(f, RandomWeights.create(MICRO, 1), Map.of());
        seed(dir, "micro-clip.safetensors", Files.readAllBytes(f));
    }

    /** The micro CLIP under OpenAI names (with and without a config.json) and as a Hugging Face folder. */
    private static void models(Path work) throws IOException {
        Path dir = inputs("model/io/ModelFormatFuzzTest", "loadsOrRefuses");
        Map<String, Tensor> openAi = RandomWeights.create(MICRO, 2);
        Path w = work.resolve("openai/model.safetensors");
        Files.createDirectories(w.getParent());
        Safetensors.write(w, openAi, Map.of());
        byte[] config = utf8(Json.PRETTY.writeValueAsString(MICRO));
        Files.write(w.resolveSibling("config.json"), config);
        try (ClipModel m = ClipLoader.load(w, null)) {
            check(m.config().equals(MICRO), "the OpenAI seed does not load as the micro CLIP");
        }
        byte[] weights = Files.readAllBytes(w);
        seed(dir, "openai-with-config", FuzzFiles.join(new byte[] {1}, config, weights));
        seed(dir, "openai-inferred", FuzzFiles.join(new byte[] {2}, new byte[0], weights));
        seed(dir, "folder-without-weights", FuzzFiles.join(new byte[] {3}, Files.readAllBytes(
                Shared.require("golden/tiny-clip/config.json")), new byte[0]));

        Path hf = work.resolve("hf");
        Files.createDirectories(hf);
        ObjectNode hfConfig = (ObjectNode) Json.PRETTY.readTree(Shared.require("golden/tiny-clip-hf/config.json").toFile());
        ObjectNode text = (ObjectNode) hfConfig.get("text_config");
        ObjectNode vision = (ObjectNode) hfConfig.get("vision_config");
        hfConfig.put("projection_dim", MICRO.embedDim());
        text.put("hidden_size", MICRO.textWidth()).put("intermediate_size", 4 * MICRO.textWidth())
                .put("num_attention_heads", MICRO.textHeads()).put("num_hidden_layers", MICRO.textLayers())
                .put("max_position_embeddings", MICRO.contextLength()).put("vocab_size", MICRO.vocabSize());
        vision.put("hidden_size", MICRO.visionWidth()).put("intermediate_size", 4 * MICRO.visionWidth())
                .put("num_attention_heads", MICRO.visionHeads()).put("num_hidden_layers", MICRO.visionLayers())
                .put("image_size", MICRO.imageResolution()).put("patch_size", MICRO.visionPatchSize());
        byte[] hfConfigBytes = utf8(Json.PRETTY.writeValueAsString(hfConfig));
        Files.write(hf.resolve("config.json"), hfConfigBytes);
        Safetensors.write(hf.resolve("model.safetensors"), huggingFaceNames(openAi), Map.of());
        try (ClipModel m = ClipLoader.load(hf, null)) {
            check(m.config().equals(MICRO), "the Hugging Face seed does not load as the micro CLIP");
        }
        seed(dir, "huggingface-folder", FuzzFiles.join(new byte[] {0}, hfConfigBytes, Files.readAllBytes(hf.resolve("model.safetensors"))));
    }

    /** OpenAI names back to Hugging Face CLIPModel's: q/k/v split out of in_proj, the projections transposed. */
    private static Map<String, Tensor> huggingFaceNames(Map<String, Tensor> openAi) {
        Map<String, String> top = Map.ofEntries(Map.entry("token_embedding.weight", "text_model.embeddings.token_embedding.weight"),
                Map.entry("positional_embedding", "text_model.embeddings.position_embedding.weight"),
                Map.entry("ln_final.weight", "text_model.final_layer_norm.weight"),
                Map.entry("ln_final.bias", "text_model.final_layer_norm.bias"),
                Map.entry("visual.class_embedding", "vision_model.embeddings.class_embedding"),
                Map.entry("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight"),
                Map.entry("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight"),
                Map.entry("visual.ln_pre.weight", "vision_model.pre_layrnorm.weight"),
                Map.entry("visual.ln_pre.bias", "vision_model.pre_layrnorm.bias"),
                Map.entry("visual.ln_post.weight", "vision_model.post_layernorm.weight"),
                Map.entry("visual.ln_post.bias", "vision_model.post_layernorm.bias"),
                Map.entry("logit_scale", "logit_scale"));
        Map<String, String> parts = Map.of("attn.out_proj.weight", "self_attn.out_proj.weight",
                "attn.out_proj.bias", "self_attn.out_proj.bias", "ln_1.weight", "layer_norm1.weight", "ln_1.bias", "layer_norm1.bias",
                "ln_2.weight", "layer_norm2.weight", "ln_2.bias", "layer_norm2.bias", "mlp.c_fc.weight", "mlp.fc1.weight",
                "mlp.c_fc.bias", "mlp.fc1.bias", "mlp.c_proj.weight", "mlp.fc2.weight", "mlp.c_proj.bias", "mlp.fc2.bias");
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : openAi.entrySet()) {
            String k = e.getKey();
            Tensor a = e.getValue();
            if (top.containsKey(k)) {
                out.put(top.get(k), a);
            } else if (k.equals("text_projection")) {
                out.put("text_projection.weight", a.t().contiguous());
            } else if (k.equals("visual.proj")) {
                out.put("visual_projection.weight", a.t().contiguous());
            } else {
                boolean visual = k.startsWith("visual.");
                String rest = k.substring((visual ? "visual." : "").length() + "transformer.resblocks.".length());
                String layer = rest.substring(0, rest.indexOf('.'));
                String part = rest.substring(rest.indexOf('.') + 1);
                String prefix = (visual ? "vision" : "text") + "_model.encoder.layers." + layer + ".";
                if (part.startsWith("attn.in_proj_")) {
                    String kind = part.endsWith("weight") ? "weight" : "bias";
                    long w = a.size(0) / 3;
                    String[] qkv = {"q", "k", "v"};
                    for (int i = 0; i < 3; i++) {
                        out.put(prefix + "self_attn." + qkv[i] + "_proj." + kind, a.narrow(0, i * w, w).contiguous());
                    }
                } else {
                    out.put(prefix + parts.get(part), a);
                }
            }
        }
        return out;
    }

    private static void bundles(Path work) throws IOException {
        Path dir = inputs("api/BundleFuzzTest", "readsOrRefuses");
        PromptConfig layout = new PromptConfig(List.of(1), List.of(2));
        try (Bundle b = Bundle.random(MICRO, layout, 3, 1)) {
            Path with = work.resolve("with-model.bundle");
            b.write(with, true);
            try (Bundle again = Bundle.read(with, null, org.dpl4j.tensor.Placement.CPU_FP32)) {
                check(again.info().classNames().size() == 3, "the bundle seed does not read back");
            }
            seed(dir, "micro-with-model.bundle", Files.readAllBytes(with));
            Path without = work.resolve("without-model.bundle");
            b.write(without, false);
            seed(dir, "micro-without-model.bundle", Files.readAllBytes(without));
        }
    }

    /** run.json and prompt-config.json of a real train run (TinyRun: IVLP on the golden tiny CLIP), and a search's. */
    private static void runFiles(Path work) throws IOException {
        Path run = TinyRun.train(work.resolve("train"), Shared.require("golden/tiny-clip"));
        byte[] runJson = Files.readAllBytes(run.resolve(RunDirectory.RUN));
        seed(inputs("training/RunJsonFuzzTest", "readsOrRefuses"), "tiny-train-run.json", runJson);
        ObjectNode older = (ObjectNode) Json.PRETTY.readTree(runJson);
        older.remove("format"); // what versions before run.json formats wrote
        older.remove("engine");
        seed(inputs("training/RunJsonFuzzTest", "readsOrRefuses"), "format-1-train-run.json",
                utf8(Json.PRETTY.writeValueAsString(older)));
        Path prompts = inputs("prompts/PromptConfigFuzzTest", "readsOrRefuses");
        seed(prompts, "ivlp-train.json", Files.readAllBytes(run.resolve(RunDirectory.PROMPT_CONFIG)));
        seed(prompts, "searched-with-context.json", utf8(new PromptConfig(List.of(0, 4, 1), List.of(2, 0, 8), 4).toJson()));
    }

    private static void datasets() throws IOException {
        Path splits = inputs("data/SplitFileFuzzTest", "loadsOrRefuses");
        JsonNode demo = Json.PRETTY.readTree(Path.of("demo-data/oxford_pets/split_zhou_OxfordPets.json").toFile());
        ObjectNode small = Json.LINE.createObjectNode();
        for (String part : List.of("train", "val", "test")) {
            ArrayNode rows = small.putArray(part);
            int[] perClass = new int[3];
            for (JsonNode r : demo.path(part)) {
                if (perClass[r.get(1).asInt()]++ < 2) {
                    rows.add(r);
                }
            }
        }
        String catToName = "{\"1\": \"abyssinian\", \"2\": \"american bulldog\", \"3\": \"american pit bull terrier\"}";
        seed(splits, "demo-oxford-pets", FuzzFiles.join(utf8(Json.PRETTY.writeValueAsString(small)), utf8(catToName)));
        seed(splits, "dtd-style-folders", FuzzFiles.join(utf8("""
                {"train": [["banded/banded_0002.jpg", 0, "banded"], ["blotchy/blotchy_0003.jpg", 1, "blotchy"]],
                 "val": [["banded/banded_0004.jpg", 0, "banded"]],
                 "test": [["image_06734.jpg", 3, "pink_primrose"], ["image_06735.jpg", 3, "pink_primrose"]]}
                """), utf8("{\"1\": \"banded\", \"2\": \"blotchy\", \"4\": \"pink primrose\"}")));

        seed(inputs("data/ClassNamesFuzzTest", "imageNetClassNames"), "classnames.txt",
                utf8("n01440764 tench\nn02102040 English Springer Spaniel\nn02979186 cassette player\n"));
        seed(inputs("data/ClassNamesFuzzTest", "fgvcVariants"), "fgvc-text-files", FuzzFiles.join(
                utf8("707-320\n727-200\nA300B4\n"), utf8("1 707-320\n2 727-200\n"), utf8("3 A300B4\n"), utf8("1 707-320\n3 A300B4\n")));
    }

    private static void multipartAndImages() throws IOException {
        Path images = inputs("data/image/ImageDecoderFuzzTest", "decodesOrRefuses");
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                img.setRGB(x, y, (x * 50 << 16) | (y * 80 << 8) | 0x7f | (x == 0 ? 0x80000000 : 0xff000000));
            }
        }
        BufferedImage rgb = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        byte[] png = encode(img, "png");
        seed(images, "argb.png", png);
        seed(images, "rgb.jpg", encode(rgb, "jpeg"));
        seed(images, "palette.gif", encode(rgb, "gif"));
        seed(images, "rgb.bmp", encode(rgb, "bmp"));
        seed(images, "demo-Abyssinian_114.jpg", Files.readAllBytes(Path.of("demo-data/oxford_pets/images/Abyssinian_114.jpg")));
        seed(images, "bomb-30000x30000.png", BombPng.bytes(30000, 30000));

        Path multipart = inputs("serve/MultipartFuzzTest", "findsTheImageOrRefuses");
        String b = "----dpl4jBoundary7MA4YWxk";
        byte[] head = utf8("--" + b + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + b
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n");
        byte[] tail = utf8("\r\n--" + b + "--\r\n");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(head);
        body.write(png);
        body.write(tail);
        seed(multipart, "curl-form", FuzzFiles.join(utf8("multipart/form-data; boundary=" + b), body.toByteArray()));
        seed(multipart, "quoted-boundary-file-part", FuzzFiles.join(utf8("multipart/form-data; boundary=\"xyz\""),
                utf8("--xyz\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"c.jpg\"\r\n\r\nJPEG\r\n--xyz--\r\n")));
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        check(ImageIO.write(img, format, out), "no ImageIO writer for " + format);
        return out.toByteArray();
    }

    private static void tokenizer() throws IOException {
        Path dir = inputs("model/text/ClipTokenizerFuzzTest", "tokenizesAnyText");
        JsonNode cases = Json.PRETTY.readTree(Shared.require("golden/tokenizer_cases.json").toFile()).get("cases");
        for (int i = 0; i < cases.size(); i++) {
            seed(dir, "golden-case-" + i + ".txt", utf8(cases.get(i).get("text").asText()));
        }
        ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
        utf16.write(0xFF);
        utf16.writeBytes("a photo of a \ud83d\udc08 \ud800 ΣΑΣ.".getBytes(StandardCharsets.UTF_16LE));
        seed(dir, "utf16-lone-surrogate.bin", utf16.toByteArray());
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
