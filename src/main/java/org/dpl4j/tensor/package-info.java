/**
 * The thin layer between dpl4j and libtorch (the JavaCPP presets for PyTorch): native loading,
 * devices and precisions, per-step memory scopes, and the few conversions between Java arrays and
 * tensors that the binding spells verbosely. Every tensor in dpl4j is an
 * {@link org.bytedeco.pytorch.Tensor}; this package adds no tensor type and no operator of its own.
 */
package org.dpl4j.tensor;
