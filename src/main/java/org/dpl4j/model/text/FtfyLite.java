package org.dpl4j.model.text;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of {@code ftfy.fix_text} (ftfy 6, default settings) that CLIP's text cleaning relies on,
 * without ftfy's mojibake repair ({@code fix_encoding}), which needs ftfy's statistical tables and
 * only matters for text that was decoded with the wrong charset.
 *
 * <p>Reproduced, in ftfy's order and per line as ftfy does: decoding of semicolon-terminated HTML
 * entities (switched off from the first line that contains {@code <}), C1 controls read as
 * Windows-1252, Latin ligatures split, full/half-width forms narrowed, curly quotes straightened, line
 * breaks unified, lone surrogates replaced, terminal escapes and stray control characters removed,
 * NFC; repeated until the line no longer changes. Without this, {@code don’t} would tokenize
 * differently from {@code don't}, unlike in CLIP.
 */
final class FtfyLite {
    private static final Pattern ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
    private static final Pattern ANSI = Pattern.compile("\u001b\\[(?:\\p{Nd}|;)*[a-zA-Z]");
    /** ftfy's entity table: {@code &name;} plus upper-cased variants such as {@code &EACUTE;}. */
    private static final Map<String, String> ENTITIES = new HashMap<>();
    private static final Map<Integer, String> LIGATURES = Map.ofEntries(
            Map.entry(0x0132, "IJ"), Map.entry(0x0133, "ij"), Map.entry(0x0149, "\u02bcn"),
            Map.entry(0x01F1, "DZ"), Map.entry(0x01F2, "Dz"), Map.entry(0x01F3, "dz"),
            Map.entry(0x01C4, "D\u017d"), Map.entry(0x01C5, "D\u017e"), Map.entry(0x01C6, "d\u017e"),
            Map.entry(0x01C7, "LJ"), Map.entry(0x01C8, "Lj"), Map.entry(0x01C9, "lj"),
            Map.entry(0x01CA, "NJ"), Map.entry(0x01CB, "Nj"), Map.entry(0x01CC, "nj"),
            Map.entry(0xFB00, "ff"), Map.entry(0xFB01, "fi"), Map.entry(0xFB02, "fl"),
            Map.entry(0xFB03, "ffi"), Map.entry(0xFB04, "ffl"), Map.entry(0xFB05, "\u017ft"),
            Map.entry(0xFB06, "st"));

    static {
        HtmlUnescape.NAMES.forEach((name, value) -> {
            ENTITIES.put("&" + name + ";", value);
            String upper = "&" + name.toUpperCase(Locale.ROOT) + ";";
            if (name.equals(name.toLowerCase(Locale.ROOT)) && HtmlUnescape.unescape(upper).equals(upper)) {
                ENTITIES.put(upper, value.toUpperCase(Locale.ROOT));
            }
        });
    }

    private FtfyLite() {}

    /** {@code ftfy.fix_text(text)} minus mojibake repair. */
    static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos) + 1;
            if (end == 0) {
                end = text.length();
            }
            String line = text.substring(pos, end);
            unescapeHtml &= line.indexOf('<') < 0; // ftfy never turns it back on for later lines
            out.append(fixLine(line, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    private static String fixLine(String line, boolean unescapeHtml) {
        while (true) {
            String before = line;
            if (unescapeHtml) {
                line = unescapeEntities(line);
            }
            line = narrow(line);
            line = uncurlAndFixSurrogates(line); // line-break unification touches neither quotes nor surrogates
            line = line.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n')
                    .replace('\u2029', '\n').replace('\u0085', '\n');
            line = ANSI.matcher(line).replaceAll("");
            line = removeControlChars(line);
            line = Normalizer.normalize(line, Normalizer.Form.NFC);
            if (line.equals(before)) {
                return line;
            }
        }
    }

    private static String unescapeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String entity = m.group();
            String value = ENTITIES.get(entity);
            if (value == null && entity.startsWith("&#")) {
                String decoded = HtmlUnescape.unescape(entity);
                value = decoded.indexOf(';') >= 0 ? entity : decoded;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : entity));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * ftfy's {@code fix_c1_controls}, {@code fix_latin_ligatures} and {@code fix_character_width} in one
     * pass: none of them produces a character that another of the three would change.
     */
    private static String narrow(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= 0x80 && cp <= 0x9F) {
                out.append(HtmlUnescape.CP1252_C1.charAt(cp - 0x80));
            } else if (LIGATURES.containsKey(cp)) {
                out.append(LIGATURES.get(cp));
            } else if (cp == 0x3000) {
                out.append(' ');
            } else if (cp >= 0xFF01 && cp <= 0xFFEF) {
                out.append(Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC));
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /** ftfy's {@code uncurl_quotes}, then {@code fix_surrogates} (lone surrogates become U+FFFD). */
    private static String uncurlAndFixSurrogates(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0x02BC || (cp >= 0x2018 && cp <= 0x201B)) {
                out.append('\'');
            } else if (cp >= 0x201C && cp <= 0x201F) {
                out.append('"');
            } else if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                out.append('\ufffd');
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    private static String removeControlChars(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().filter(cp -> !isStrayControl(cp)).forEach(out::appendCodePoint);
        return out.toString();
    }

    private static boolean isStrayControl(int cp) {
        return cp <= 0x08 || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F
                || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC);
    }
}
