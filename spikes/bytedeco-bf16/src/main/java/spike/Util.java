package spike;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class Util {
    private Util() {}

    /** The three load averages from /proc/loadavg. */
    static String uptime() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // peaks then accumulate
        }
    }

    static double procKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static double peakRssGb() { return procKb("VmHWM:") / 1024 / 1024; }
    static double rssGb() { return procKb("VmRSS:") / 1024 / 1024; }
}
