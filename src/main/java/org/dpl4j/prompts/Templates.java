package org.dpl4j.prompts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hand-written text prompts: those DPL feeds CLIP's text encoder, copied from the reference
 * code's {@code trainers/imagenet_templates.py} so that class embeddings match the paper's setup,
 * and the hand-crafted prompts of CoOp's zero-shot CLIP baseline ({@code trainers/zsclip.py}).
 *
 * <p>The search stage always uses {@link #DEFAULT}; the train stage chooses with {@link #resolve}:
 * {@code default}, {@code custom} (one template per CoOp dataset), {@code handcrafted} (CoOp's
 * zero-shot template of the dataset) or {@code ensemble} (the 60 templates, whose token embeddings
 * the train stage averages position by position; zero-shot CLIP averages their text features).
 */
public final class Templates {
    /** CLIP's standard zero-shot prompt, used by the search stage. */
    public static final String DEFAULT = "a photo of a {}.";

    /**
     * {@code IMAGENET_TEMPLATES} of PromptSRC/DPL: 60 of the 80 templates of CLIP's ImageNet notebook, in
     * the reference order. Order matters: the ensemble reads the EOT position of the last template.
     */
    public static final List<String> ENSEMBLE = List.of(
            "a photo of a {}.",
            "a bad photo of a {}.",
            "a photo of many {}.",
            "a sculpture of a {}.",
            "a photo of the hard to see {}.",
            "a low resolution photo of the {}.",
            "a rendering of a {}.",
            "graffiti of a {}.",
            "a bad photo of the {}.",
            "a cropped photo of the {}.",
            "a tattoo of a {}.",
            "the embroidered {}.",
            "a photo of a hard to see {}.",
            "a bright photo of a {}.",
            "a photo of a clean {}.",
            "a photo of a dirty {}.",
            "a dark photo of the {}.",
            "a drawing of a {}.",
            "a photo of my {}.",
            "the plastic {}.",
            "a photo of the cool {}.",
            "a close-up photo of a {}.",
            "a black and white photo of the {}.",
            "a painting of the {}.",
            "a painting of a {}.",
            "a pixelated photo of the {}.",
            "a sculpture of the {}.",
            "a bright photo of the {}.",
            "a cropped photo of a {}.",
            "a plastic {}.",
            "a photo of the dirty {}.",
            "a jpeg corrupted photo of a {}.",
            "a blurry photo of the {}.",
            "a photo of the {}.",
            "a good photo of the {}.",
            "a rendering of the {}.",
            "a {} in a video game.",
            "a photo of one {}.",
            "a doodle of a {}.",
            "a close-up photo of the {}.",
            "the origami {}.",
            "the {} in a video game.",
            "a sketch of a {}.",
            "a doodle of the {}.",
            "a origami {}.",
            "a low resolution photo of a {}.",
            "the toy {}.",
            "a rendition of the {}.",
            "a photo of the clean {}.",
            "a photo of a large {}.",
            "a rendition of a {}.",
            "a photo of a nice {}.",
            "a photo of a weird {}.",
            "a blurry photo of a {}.",
            "a cartoon {}.",
            "art of a {}.",
            "a sketch of the {}.",
            "a embroidered {}.",
            "a pixelated photo of a {}.",
            "itap of the {}.");

    /**
     * {@code CUSTOM_TEMPLATES} of DPL's {@code imagenet_templates.py}, keyed by CoOp dataset class name.
     * These differ from CoOp's zero-shot wording ({@link #HANDCRAFTED}: "a photo of a {}, a type of pet.").
     */
    public static final Map<String, String> CUSTOM = customTemplates();

    /**
     * {@code CUSTOM_TEMPLATES} of CoOp's {@code trainers/zsclip.py}: the hand-crafted prompt of each
     * dataset with which CoOp (and the papers comparing with it, DPL's included) report zero-shot CLIP.
     */
    public static final Map<String, String> HANDCRAFTED = handcraftedTemplates();

    private static final String SPEC_CHOICES =
            "'default', 'custom', 'handcrafted', 'ensemble', or a template containing '{}'";

    private Templates() {}

    private static Map<String, String> customTemplates() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("OxfordPets", "a type of pet, a photo of a {}.");
        m.put("OxfordFlowers", "a type of flower, a photo of a {}.");
        m.put("FGVCAircraft", "a type of aircraft, a photo of a {}.");
        m.put("DescribableTextures", "a texture of {}.");
        m.put("EuroSAT", "a centered satellite photo of {}.");
        m.put("StanfordCars", "a photo of a {}.");
        m.put("Food101", "a type of food, a photo of {}.");
        m.put("SUN397", "a photo of a {}.");
        m.put("Caltech101", "a photo of a {}.");
        m.put("UCF101", "a photo of a person doing {}.");
        m.put("ImageNet", "a photo of a {}.");
        m.put("ImageNetSketch", "a photo of a {}.");
        m.put("ImageNetV2", "a photo of a {}.");
        m.put("ImageNetA", "a photo of a {}.");
        m.put("ImageNetR", "a photo of a {}.");
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, String> handcraftedTemplates() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("OxfordPets", "a photo of a {}, a type of pet.");
        m.put("OxfordFlowers", "a photo of a {}, a type of flower.");
        m.put("FGVCAircraft", "a photo of a {}, a type of aircraft.");
        m.put("DescribableTextures", "{} texture.");
        m.put("EuroSAT", "a centered satellite photo of {}.");
        m.put("StanfordCars", "a photo of a {}.");
        m.put("Food101", "a photo of {}, a type of food.");
        m.put("SUN397", "a photo of a {}.");
        m.put("Caltech101", "a photo of a {}.");
        m.put("UCF101", "a photo of a person doing {}.");
        m.put("ImageNet", "a photo of a {}.");
        m.put("ImageNetSketch", "a photo of a {}.");
        m.put("ImageNetV2", "a photo of a {}.");
        m.put("ImageNetA", "a photo of a {}.");
        m.put("ImageNetR", "a photo of a {}.");
        return Collections.unmodifiableMap(m);
    }

    /**
     * CoOp's hand-crafted zero-shot template of a dataset ({@link #HANDCRAFTED}); CLIP's
     * {@link #DEFAULT} for a dataset CoOp has none for (an image folder), as CLIP's own zero-shot.
     */
    public static String handcrafted(String datasetName) {
        return datasetName == null ? DEFAULT : HANDCRAFTED.getOrDefault(datasetName, DEFAULT);
    }

    /**
     * The prompt for one class: {@code template} with {@code {}} replaced by the class name, underscores
     * in the name read as spaces (CoOp class names such as {@code Faces_easy} come from folder names).
     *
     * @throws IllegalArgumentException if the template has no {@code {}}: every class would get the same text
     */
    public static String fill(String template, String className) {
        if (!template.contains("{}")) {
            throw new IllegalArgumentException("template has no '{}' placeholder: " + template);
        }
        return template.replace("{}", className.replace('_', ' '));
    }

    /**
     * The templates selected by a {@code --text-init}-style {@code spec}: {@code default},
     * {@code ensemble}, {@code custom} (the template of {@code datasetName}), {@code handcrafted}
     * ({@link #handcrafted}), or a literal template.
     *
     * @throws IllegalArgumentException for an unknown spec, or {@code custom} with a dataset that has
     *     no custom template
     */
    public static List<String> resolve(String spec, String datasetName) {
        if (spec == null) {
            throw new IllegalArgumentException("no template spec given; expected " + SPEC_CHOICES);
        }
        switch (spec) {
            case "default":
                return List.of(DEFAULT);
            case "ensemble":
                return ENSEMBLE;
            case "handcrafted":
                return List.of(handcrafted(datasetName));
            case "custom": {
                String template = datasetName == null ? null : CUSTOM.get(datasetName);
                if (template == null) {
                    throw new IllegalArgumentException("no custom template for dataset '" + datasetName
                            + "'; known: " + String.join(", ", CUSTOM.keySet()));
                }
                return List.of(template);
            }
            default:
                if (spec.contains("{}")) {
                    return List.of(spec);
                }
                throw new IllegalArgumentException("unknown template spec '" + spec + "'; expected " + SPEC_CHOICES);
        }
    }
}
