package org.dpl4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory as Linux reports it in {@code /proc/self}, for the benchmark,
 * the load test and the memory tests. Where {@code /proc} is missing the values are NaN.
 */
public final class ProcessStats {
    private ProcessStats() {}

    /**
     * Restarts the peak-RSS count (Linux: {@code clear_refs} 5 resets VmHWM), so each row reports
     * its own peak; where that is not possible the peak stays process-wide.
     */
    public static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // not Linux, or not allowed: peaks accumulate over the rows
        }
    }

    /** Peak resident set (VmHWM) of this process in GB, or NaN where /proc is unavailable. */
    public static double peakRssGb() {
        return procStatusKb("VmHWM:") / 1024.0 / 1024.0;
    }

    /** Current resident set (VmRSS) in MB, or NaN where /proc is unavailable. */
    public static double currentRssMb() {
        return procStatusKb("VmRSS:") / 1024.0;
    }

    private static double procStatusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
