package org.dpl4j.model.text;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * CLIP's text normalisation before pre-tokenisation:
 * {@code whitespace_clean(basic_clean(text)).lower()}, i.e. ftfy, {@code html.unescape} twice, strip,
 * whitespace runs to one space, strip, lower-case. Every step changes token ids, so each one follows
 * the Python definition (e.g. Python's {@code strip()} also removes U+001C..U+001F, which Java's
 * {@code \s} does not match).
 */
final class TextCleaner {
    /** The {@code regex} module's {@code \s}: the Unicode White_Space property, as Java's with this flag. */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private TextCleaner() {}

    static String clean(String text) {
        String s = FtfyLite.fixText(text);
        s = HtmlUnescape.unescape(HtmlUnescape.unescape(s));
        s = pythonStrip(s);
        s = WHITESPACE.matcher(s).replaceAll(" ");
        s = pythonStrip(s);
        return pythonLower(s);
    }

    /**
     * {@code str.lower()}. Java's {@code toLowerCase} agrees except for capital sigma, where Java looks for
     * a cased letter anywhere earlier in the word, while Python applies Unicode's Final_Sigma rule
     * exactly: {@code ς} only right after a cased letter (case-ignorable characters skipped) and not
     * before one. Ids for Greek words depend on it.
     */
    static String pythonLower(String s) {
        if (s.indexOf('\u03a3') < 0) {
            return s.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(s.length());
        int from = 0;
        for (int i = s.indexOf('\u03a3'); i >= 0; i = s.indexOf('\u03a3', from)) {
            out.append(s.substring(from, i).toLowerCase(Locale.ROOT));
            out.append(isFinalSigma(s, i) ? '\u03c2' : '\u03c3');
            from = i + 1;
        }
        return out.append(s.substring(from).toLowerCase(Locale.ROOT)).toString();
    }

    private static boolean isFinalSigma(String s, int at) {
        int before = at;
        int cp = 0;
        while (before > 0) {
            cp = s.codePointBefore(before);
            before -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                if (!isCased(cp)) {
                    return false;
                }
                int after = at + 1;
                while (after < s.length()) {
                    int next = s.codePointAt(after);
                    if (!isCaseIgnorable(next)) {
                        return !isCased(next);
                    }
                    after += Character.charCount(next);
                }
                return true;
            }
        }
        return false;
    }

    /** Unicode's Cased property. */
    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk, and the Word_Break MidLetter/MidNumLet/Single_Quote characters. */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT,
                    Character.MODIFIER_LETTER, Character.MODIFIER_SYMBOL:
                return true;
            default:
                return "'.:\u00b7\u0387\u055f\u05f4\u2018\u2019\u2024\u2027\ufe13\ufe52\ufe55\uff07\uff0e\uff1a"
                        .indexOf(cp) >= 0;
        }
    }

    /** {@code str.strip()}: removes leading and trailing characters for which {@code str.isspace()} holds. */
    static String pythonStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code str.isspace()}: White_Space plus the information separators U+001C..U+001F (all in the BMP). */
    private static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
