package org.dpl4j.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The matrix-unit features of this CPU that decide whether bf16 pays off, read from the kernel's
 * {@code /proc/cpuinfo} flags (never assumed from the model name): AMX-BF16 and AVX512-BF16 run bf16
 * products several times faster than fp32; without them libtorch emulates bf16, about 20× slower.
 */
public record CpuFeatures(String model, Set<String> flags) {
    private static final List<String> INTERESTING = List.of("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile", "amx_int8");

    public static CpuFeatures detect() {
        String model = "unknown";
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (INTERESTING.contains(f)) {
                            flags.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // not Linux: no features known, so auto precision stays fp32
        }
        return new CpuFeatures(model, Set.copyOf(flags));
    }

    /** True when bf16 matrix products run on real hardware units here. */
    public boolean fastBf16() {
        return !bf16Flags().isEmpty();
    }

    /** The flags among {@code amx_bf16} and {@code avx512_bf16} this CPU has. */
    public List<String> bf16Flags() {
        return List.of("amx_bf16", "avx512_bf16").stream().filter(flags::contains).toList();
    }
}
