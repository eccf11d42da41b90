package org.dpl4j.testutil;

/** Java source text as the source-scanning tests read it: code only, so comments and strings never match. */
public final class JavaSource {
    private JavaSource() {}

    /**
     * The source with comments removed and the contents of string, text-block and char literals
     * replaced by spaces (their quotes kept), newlines kept so line numbers stay.
     */
    public static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                while (i < src.length() && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? src.length() : end + 2;
                blank(src, i, end, out);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                end = end < 0 ? src.length() : end + 3;
                out.append("\"\"\"");
                blank(src, i + 3, end - 3, out);
                out.append("\"\"\"");
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                boolean closed = j < src.length() && src.charAt(j) == c;
                out.append(c);
                blank(src, i + 1, Math.min(j, src.length()), out);
                if (closed) {
                    out.append(c);
                    j++;
                }
                i = Math.min(j, src.length());
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Spaces for {@code src[from, to)}, keeping its newlines. */
    private static void blank(String src, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(src.charAt(k) == '\n' ? '\n' : ' ');
        }
    }
}
