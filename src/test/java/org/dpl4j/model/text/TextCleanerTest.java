package org.dpl4j.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Expected values are the output of CLIP's {@code whitespace_clean(basic_clean(text)).lower()} with
 * ftfy 6.3 and Python 3.11, so each row pins one rule of the cleaning that changes token ids.
 */
class TextCleanerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # html entities: CLIP unescapes twice, ftfy until stable (unless the line contains '<')
            Tom &amp; Jerry                                | tom & jerry
            &amp;amp;amp;                                  | &
            a &lt;b&gt; &amp;amp;                          | a <b> &
            x<y &amp;amp;amp; z                            | x<y &amp; z
            &ampfoo &notit; &copy2024                      | &foo ¬it; ©2024
            &#128; &#x2019; &#0; &#xD800; &#1114112; &#11; | € ' \\uFFFD \\uFFFD \\uFFFD
            &EACUTE;T&EACUTE;                              | été
            &lang;x&rang;                                  | ⟨x⟩
            # ftfy character fixes
            don’t “quote”                                  | don't "quote"
            ＬＯＵＤ\\u3000ＮＯＩＳＥＳ                      | loud noises
            ﬁne ĳs                                         | fine ijs
            \\u0092quoted\\u0092                             | 'quoted'
            \\u001B[31mred\\u001B[0m                          | red
            a\\u0000b\\u007Fc\\uFEFFd                         | abcd
            cafe\\u0301                                     | café
            # whitespace and Python's strip()
            \\u001C\\u001D lead and  trail \\u001F\\u3000      | lead and trail
            a\\u00A0\\u2003b\\n\\tc                            | a b c
            # Python's lower(): exact Final_Sigma rule, full case mappings
            ΟΔΟΣ ΣΑΣ ΑΣ.                                   | οδος σας ας.
            1Σ Α\\u0301Σ                                    | 1σ άς
            ab1Σ Α.Σ                                       | ab1σ α.ς
            İstanbul                                       | i\\u0307stanbul
            """)
    void cleansLikeClip(String text, String expected) {
        assertThat(TextCleaner.clean(unescapeJava(text))).isEqualTo(unescapeJava(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a\\u0345b | a b
            a\\u0345  | a
            """)
    void combiningYpogegrammeniIsDroppedAsInClip(String text, String sameIdsAs) {
        ClipTokenizer tok = ClipTokenizer.load();
        assertThat(tok.encode(unescapeJava(text))).containsExactly(tok.encode(sameIdsAs));
    }

    /** Decodes the backslash escapes (u-hex, n, t) with which the CSV rows spell invisible characters. */
    private static String unescapeJava(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'n' || s.charAt(i + 1) == 't')) {
                out.append(s.charAt(i + 1) == 'n' ? '\n' : '\t');
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
