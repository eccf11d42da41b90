package org.dpl4j.model;

/** The CLIP weight formats users bring. */
public enum ModelFormat {
    /** OpenAI's released {@code .pt}: a TorchScript archive with fp16 weights. */
    OPENAI_TORCHSCRIPT,
    /** An OpenAI-named state dict as {@code .safetensors}, with an optional {@code config.json} beside it. */
    OPENAI_SAFETENSORS,
    /** A Hugging Face {@code CLIPModel} folder ({@code config.json} + {@code model.safetensors}). */
    HUGGINGFACE
}
